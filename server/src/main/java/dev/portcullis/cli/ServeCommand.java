package dev.portcullis.cli;

import dev.portcullis.Gateway;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigProblem;
import dev.portcullis.config.PortcullisConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the gateway.", "It refuses to start when the configuration has errors (run"
                + " 'portcullis config check' to see them all) and drains in-flight requests on SIGTERM."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /**
     * What a stop may take beyond the drain: closing upstream sessions (bounded at 5 s), the pools
     * and Redis. Past it the process kills its children and halts rather than hang.
     */
    static final Duration STOP_BOUND = Duration.ofSeconds(8);

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ConfigLoader.Result result = config.load();
        if (result.config().isEmpty()) {
            result.errors().forEach(p -> spec.commandLine().getErr().println(p.describe()));
            spec.commandLine().getErr().println("portcullis: not starting: fix the errors above (portcullis config check lists them)");
            return ExitCodes.FAILURE;
        }
        result.problems().stream().filter(ConfigProblem::isWarning).map(ConfigProblem::describe)
                .forEach(spec.commandLine().getErr()::println);
        PortcullisConfig settings = result.config().get();
        Gateway gateway = Gateway.start(settings);
        gateway.devSignInLink().ifPresent(link -> spec.commandLine().getOut().println("portcullis: sign in to the console"
                + " (development only: no auth.oidc; this link works once, for "
                + dev.portcullis.console.DevSignIn.TICKET_LIFETIME.toMinutes() + " minutes): " + link));
        CountDownLatch stopped = new CountDownLatch(1);
        Duration limit = settings.server().shutdownTimeout().plus(STOP_BOUND);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("portcullis-shutdown").unstarted(() -> {
            stop(gateway, limit);
            stopped.countDown();
        }));
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * Stops the gateway on a platform thread of its own and waits at most {@code limit}. A stop that
     * does not finish in time (a wedged part, an upstream that never lets go) is abandoned: every
     * child process is killed and the JVM halts, because a replica that will not exit on SIGTERM
     * waits for a SIGKILL that may come much later. Children left over after a clean stop (a
     * grandchild that escaped its stdio server) are killed too.
     */
    private static void stop(Gateway gateway, Duration limit) {
        log.info("stopping: draining in-flight requests (at most {} s)", limit.toSeconds());
        Thread closer = Thread.ofPlatform().name("portcullis-stop").daemon().start(gateway::close);
        boolean closed;
        try {
            closed = closer.join(limit);
        } catch (InterruptedException e) {
            closed = false;
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        if (!closed) {
            log.error("the stop did not finish within {} s; killed every child process and halting", limit.toSeconds());
            Runtime.getRuntime().halt(ExitCodes.FAILURE);
        }
        log.info("stopped");
    }
}
