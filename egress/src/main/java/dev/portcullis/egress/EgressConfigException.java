package dev.portcullis.egress;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link EgressPolicy.Builder#build()} when any list entry is invalid; carries every problem found. */
public final class EgressConfigException extends RuntimeException {

    private final transient List<EgressConfigProblem> problems;

    EgressConfigException(List<EgressConfigProblem> problems) {
        super(problems.stream().map(EgressConfigProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<EgressConfigProblem> problems() {
        return problems;
    }
}
