package dev.imagecatalog.cluster;

import java.util.List;
import java.util.Map;

/**
 * One run with what the run page shows besides the summary: the launch options read back from the pod, and events.
 *
 * @param run           the summary
 * @param command       container command, empty if the image's own
 * @param args          container args, empty if the image's own
 * @param env           plain environment variables, in pod order
 * @param restartPolicy the pod's restart policy
 * @param resources     requests and limits
 * @param events        the pod's events, oldest first
 */
public record RunDetail(Run run,
                        List<String> command,
                        List<String> args,
                        Map<String, String> env,
                        String restartPolicy,
                        Resources resources,
                        List<RunEvent> events) {
}
