package dev.imagecatalog.web.http;

import java.time.Duration;

import dev.imagecatalog.registry.RequestDeadline;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Gives every page and API request a deadline ({@code registry.request-deadline}) for its registry calls: past it,
 * waiting for the registry ends with a TIMEOUT that the error handling answers as 504 with a reason, and a registry
 * call no other request shares is abandoned and its connection closed — so a client that gave up never keeps
 * registry connections busy for longer than this.
 */
public final class RequestDeadlineFilter implements Filter {

    private final Duration budget;

    /**
     * @param budget how long one request may wait for the registry in total
     */
    public RequestDeadlineFilter(Duration budget) {
        this.budget = budget;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        RequestDeadline.run(budget, chain::proceed);
    }
}
