package dev.imagecatalog.runner;

import dev.imagecatalog.cluster.RunDetail;

/**
 * Everything a run's page shows, answered by one call ({@link Runner#runView}).
 *
 * @param detail      the run with its options and events
 * @param headline    what it is doing now, in a sentence
 * @param log         the last lines of its log; empty when there is none to show
 * @param logNote     why there is no log ({@code ""} when there is one, or the viewer may not read logs)
 * @param previousLog the log before the last restart ({@code ""} without a restart), or why it cannot be read
 * @param diagnosis   why its image does not pull, {@code null} when it pulls
 * @param changes     what it changed against its image's defaults, {@code null} when unknown
 * @param reach       the commands that reach its pod from the user's machine
 */
public record RunView(RunDetail detail, RunHeadline headline, String log, String logNote, String previousLog, Diagnosis diagnosis,
                      RunChanges changes, Reach reach) {
}
