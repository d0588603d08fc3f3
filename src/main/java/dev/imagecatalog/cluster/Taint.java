package dev.imagecatalog.cluster;

/**
 * A node taint as the API reports it.
 *
 * @param key    taint key, e.g. {@code node-role.kubernetes.io/control-plane}
 * @param value  taint value, {@code null} when the taint has none
 * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}
 */
public record Taint(String key, String value, String effect) {

    /** Whether this taint keeps pods without a toleration off the node ({@code NoSchedule} or {@code NoExecute}). */
    public boolean repels() {
        return "NoSchedule".equals(effect) || "NoExecute".equals(effect);
    }
}
