package dev.portcullis.upstream.stdio;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every stdio server process this gateway started and that still runs, so a stop can end them all —
 * including one still starting, which no connection holds yet, and the children it spawned itself
 * (an {@code npx} wrapper's node, a shell's pipeline).
 */
public final class ChildProcesses {
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    void started(Process process) {
        running.add(process);
        process.onExit().thenRun(() -> running.remove(process));
    }

    /** How many are still running. */
    public int count() {
        return running.size();
    }

    /** Kills every tree still running, descendants first so that none is orphaned on the way. */
    public void killAll() {
        for (Process process : Set.copyOf(running)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
