package dev.imagecatalog.auth;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of sign-in and request guards.
 *
 * @param mode               {@code auth.mode} (env {@code AUTH_MODE}): kubernetes (default), proxy or none
 * @param browseAuthenticated {@code auth.browse=authenticated} (env {@code AUTH_BROWSE}): sign-in needed for
 *                           everything, not only the cluster
 * @param userHeader         {@code auth.proxy.user-header}, default {@code X-Forwarded-User}
 * @param groupsHeader       {@code auth.proxy.groups-header}, default {@code X-Forwarded-Groups} (comma-separated)
 * @param trustedProxies     {@code auth.proxy.trusted-addresses}: sources whose proxy headers ({@code X-Forwarded-*},
 *                           user/groups in proxy mode) are believed
 * @param sessionTtl         {@code auth.session-ttl}, default 8 hours
 * @param sessionKey         {@code auth.session-key} (env {@code AUTH_SESSION_KEY}); {@code null}: a random key per
 *                           process
 * @param allowedHosts       {@code server.allowed-hosts} (env {@code SERVER_ALLOWED_HOSTS}): host names besides the
 *                           loopback ones that requests may address
 */
public record AuthSettings(AuthMode mode,
                           boolean browseAuthenticated,
                           String userHeader,
                           String groupsHeader,
                           AddressSet trustedProxies,
                           Duration sessionTtl,
                           String sessionKey,
                           List<String> allowedHosts) {

    /** Default of {@code auth.session-ttl}. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(8);
    /** Default of {@code auth.proxy.user-header}. */
    public static final String DEFAULT_USER_HEADER = "X-Forwarded-User";
    /** Default of {@code auth.proxy.groups-header}. */
    public static final String DEFAULT_GROUPS_HEADER = "X-Forwarded-Groups";

    /** Validates; a proxy mode without trusted addresses would trust nobody, so it is refused at start. */
    public AuthSettings {
        Objects.requireNonNull(mode, "mode");
        trustedProxies = trustedProxies == null ? AddressSet.none() : trustedProxies;
        userHeader = userHeader == null || userHeader.isBlank() ? DEFAULT_USER_HEADER : userHeader.trim();
        groupsHeader = groupsHeader == null || groupsHeader.isBlank() ? DEFAULT_GROUPS_HEADER : groupsHeader.trim();
        sessionTtl = sessionTtl == null ? DEFAULT_SESSION_TTL : sessionTtl;
        if (sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("auth.session-ttl must be a positive duration, e.g. PT8H");
        }
        if (mode == AuthMode.PROXY && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("auth.mode=proxy needs auth.proxy.trusted-addresses "
                                               + "(the proxy's source addresses or CIDR blocks)");
        }
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(String::trim)
                .filter(h -> !h.isEmpty()).toList();
    }

    /** Kubernetes sign-in with every default: for tests and the jar without configuration. */
    public static AuthSettings kubernetes() {
        return new AuthSettings(AuthMode.KUBERNETES, false, null, null, AddressSet.none(), null, null, List.of());
    }

    /** The same settings in another mode. */
    public AuthSettings withMode(AuthMode newMode, AddressSet proxies) {
        return new AuthSettings(newMode, browseAuthenticated, userHeader, groupsHeader, proxies, sessionTtl,
                                sessionKey, allowedHosts);
    }

    /** The same settings with {@code auth.browse=authenticated} on or off. */
    public AuthSettings withBrowseAuthenticated(boolean authenticated) {
        return new AuthSettings(mode, authenticated, userHeader, groupsHeader, trustedProxies, sessionTtl,
                                sessionKey, allowedHosts);
    }

    /** The same settings with more allowed host names. */
    public AuthSettings withAllowedHosts(List<String> hosts) {
        return new AuthSettings(mode, browseAuthenticated, userHeader, groupsHeader, trustedProxies, sessionTtl,
                                sessionKey, hosts);
    }
}
