# Shortcuts for the commands in the README; `make` alone lists them.
.PHONY: help fmt check test run bench bench-http bench-rtb bench-rtb-redis bench-report
help:
	@echo "make fmt         apply the formatter (palantir-java-format through Spotless)"
	@echo "make check       compile with warnings as errors and check formatting, no tests"
	@echo "make test        the whole suite, SQLite and PostgreSQL (./switchboard test)"
	@echo "make run         start on :8080 with the embedded store and a demo account (./switchboard --demo)"
	@echo "make bench       JMH micro-benchmarks of the hot pure functions"
	@echo "make bench-http  wrk load run of the HTTP server (needs wrk: apt-get install wrk)"
	@echo "make bench-rtb   wrk load run of /health, the ping, data writing and postbacks, each against a bare Helidon app (bench/rtb-load.sh --help)"
	@echo "make bench-rtb-redis the same ping with its live state in Redis against in memory, in one run"
	@echo "make bench-report a simulated day of 10,000 calls, then the money report timed (ARGS=\"10000 --postgres=jdbc:postgresql://127.0.0.1:5432/test\")"
fmt:
	./mvnw -q spotless:apply
check:
	./mvnw -q -DskipTests -Dspotless.goal=check verify
test:
	./switchboard test
run:
	./switchboard --demo
bench:
	./mvnw -q -Pbench test-compile exec:exec
bench-http:
	bench/http-load.sh
bench-rtb:
	bench/rtb-load.sh
bench-rtb-redis:
	bench/rtb-redis.sh
bench-report:
	./mvnw -q -Pbench test-compile exec:exec -Dbench.main=org.switchboard.bench.SimulatedDay -Dbench.args="$(or $(ARGS),10000)"
