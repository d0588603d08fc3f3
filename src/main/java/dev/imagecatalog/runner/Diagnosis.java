package dev.imagecatalog.runner;

import java.util.List;

/**
 * Why a run's image cannot be pulled ({@code ErrImagePull} / {@code ImagePullBackOff}), as the service can find out:
 * each question answered from the registry, the node and the configuration, with what to do.
 *
 * @param summary the most likely cause in one sentence
 * @param checks  the questions asked, in order
 */
public record Diagnosis(String summary, List<Check> checks) {

    /** Defensive copy. */
    public Diagnosis {
        checks = List.copyOf(checks);
    }

    /**
     * One question and its answer.
     *
     * @param question e.g. {@code Is the manifest still in the registry?}
     * @param ok       {@code true}: not the problem; {@code false}: the problem; {@code null}: cannot tell
     * @param answer   what was found
     * @param todo     what to do when it is the problem (or cannot be told), else {@code null}
     */
    public record Check(String question, Boolean ok, String answer, String todo) {
    }
}
