package org.switchboard.rtb;

import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.http.HttpErrors;
import org.switchboard.platform.problem.Problem;

/**
 * The RTB API, on the reference platform's paths:
 *
 * <pre>
 * POST /rtbs.json?key=KEY&amp;publisher_id=...&amp;caller_number=...&amp;any=tag     a ping (query, form or JSON body)
 * POST /rtbs.json?key=KEY&amp;uuid=UUID&amp;status=confirmed                        confirms a reservation (a second
 *                                                              request with status=confirmed; uuid or caller_number)
 * PUT|PATCH|POST /rtbs/{uuid}.json?key=KEY  status=confirmed                   the same, by the reservation's path
 * </pre>
 *
 * Answers are JSON ({@link RtbOut}); a refused request answers {@code status: rejected} with an {@code info} and the
 * project's {@code error} object, with a 4xx.
 */
public final class RtbRoutes {
    private final RtbService rtb;

    public RtbRoutes(RtbService rtb) {
        this.rtb = rtb;
    }

    public void register(HttpRules rules) {
        Handler ping = (req, res) -> {
            Optional<Map<String, String>> read = paramsOrRefuse(req, res);
            if (read.isEmpty()) {
                return;
            }
            Map<String, String> params = read.get();
            Optional<String> key = Http.param(params, "key");
            params.remove("key"); // our own copy: the ping need not copy it again to drop the secret
            long start = System.nanoTime();
            if (Http.param(params, "status").filter("confirmed"::equals).isPresent()) {
                Optional<String> uuid = Http.param(params, "uuid");
                RtbService.Answer answer = uuid.isPresent()
                        ? rtb.confirm(key, uuid.get(), Optional.of("confirmed"))
                        : rtb.confirmCallers(key, Http.param(params, "caller_number"));
                rtb.metrics().confirmation(answer.body().status(), System.nanoTime() - start);
                send(res, answer);
                return;
            }
            RtbService.Answer answer = rtb.ping(new RtbService.PingIn(key, params));
            rtb.metrics().ping(answer.body().status(), System.nanoTime() - start);
            send(res, answer);
        };
        rules.post("/rtbs.json", ping);
        rules.get("/rtbs.json", ping);
        rules.post("/rtbs", ping);
        rules.get("/rtbs", ping);
        Handler confirm = (req, res) -> {
            String uuid = req.path().pathParameters().get("uuid");
            long start = System.nanoTime();
            paramsOrRefuse(req, res).ifPresent(params -> {
                RtbService.Answer answer = rtb.confirm(Http.param(params, "key"), uuid, Http.param(params, "status"));
                rtb.metrics().confirmation(answer.body().status(), System.nanoTime() - start);
                send(res, answer);
            });
        };
        for (String path : List.of("/rtbs/{uuid}.json", "/rtbs/{uuid}")) {
            rules.put(path, confirm);
            rules.patch(path, confirm);
            rules.post(path, confirm);
        }
    }

    /** The request's parameters, or empty once the refusal of an unreadable request has been sent. */
    private static Optional<Map<String, String>> paramsOrRefuse(ServerRequest req, ServerResponse res) {
        try {
            return Optional.of(params(req));
        } catch (Problem e) {
            send(res, refusedShape(e));
            return Optional.empty();
        }
    }

    private static RtbService.Answer refusedShape(Problem e) {
        return new RtbService.Answer.Refused(RtbOut.refused(null, e), e);
    }

    private static void send(ServerResponse res, RtbService.Answer answer) {
        Http.sendJson(res, status(answer), answer.body().json());
    }

    /** A given answer is a 200 whatever its status word; a refusal takes its error's status. */
    static Status status(RtbService.Answer answer) {
        return switch (answer) {
            case RtbService.Answer.Given _ -> Status.OK_200;
            case RtbService.Answer.Refused refused -> Status.create(HttpErrors.status(refused.problem()));
            case RtbService.Answer.Unavailable _ -> Status.SERVICE_UNAVAILABLE_503;
        };
    }

    /** The request's parameters ({@link Http#params}), a {@code status} of any case read in lower case. */
    static Map<String, String> params(ServerRequest req) {
        Map<String, String> params = Http.params(req);
        params.computeIfPresent("status", (k, v) -> v.strip().toLowerCase(Locale.ROOT));
        return params;
    }
}
