package dev.imagecatalog.runner;

/**
 * Who launches and what they acknowledged, besides the {@link LaunchRequest} itself.
 *
 * @param launchedBy   the user's name, recorded on the pod ({@code imagecatalog.dev/launched-by}); {@code null}: none
 * @param acceptTaints the user confirmed running on a tainted node (honoured only with
 *                     {@code runs.allow-tainted-nodes})
 */
public record LaunchOptions(String launchedBy, boolean acceptTaints) {

    /** Nobody named, no taints accepted. */
    public static final LaunchOptions NONE = new LaunchOptions(null, false);
}
