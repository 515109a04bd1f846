package dev.portcullis.cli;

import dev.portcullis.Gateway;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigProblem;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the gateway.", "It refuses to start when the configuration has errors (run"
                + " 'portcullis config check' to see them all) and drains in-flight requests on SIGTERM."})
final class ServeCommand implements Callable<Integer> {
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
        result.problems().stream().filter(p -> !p.isError()).map(ConfigProblem::describe)
                .forEach(spec.commandLine().getErr()::println);
        Gateway gateway = Gateway.start(result.config().get());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "portcullis-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }
}
