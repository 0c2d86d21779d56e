"""Checks a `picmon run --summary-json` against the simulator's own report (the ground truth)."""
import json
import sys

case, summary_path, report_path = sys.argv[1:4]
summary = json.load(open(summary_path))
report = json.load(open(report_path))
model = next(m for m in summary["models"] if m["name"] == ("est-probe" if case == "estimated" else "rt-probe"))
sm = model["safetyMetrics"]
tick = summary["monitor"]["supervisorTick"]
latency_max = summary["monitor"]["supervisorLatency"]["max"]
failures = []


def expect(cond, text):
    print(("ok   " if cond else "FAIL ") + text)
    if not cond:
        failures.append(text)


# The summary's field names are a contract other tools rely on (issues 5 and 6): check them all.
rt = summary["monitor"]["rt"]
expect(all(k in rt for k in ("policy", "granted", "cpus")), "monitor.rt has policy, granted, cpus")
expect("ringDrops" in summary["monitor"], "monitor.ringDrops present")
for key in ("name", "state", "supervisionStatus", "jobs", "estimated", "safetyMetrics", "metrics", "since",
            "transitions", "unexpectedTransitions", "dependencyStatus", "dependencyDetails", "alerts"):
    expect(key in model, f"models[].{key} present")
for key in ("deadlineMissCount", "worstCaseExecutionTime", "averageExecutionTime", "executionTimeVariance",
            "schedulingLatency", "constraintsChecked", "constraintViolations", "budgetOverrunCount",
            "aliveFailureCount"):
    expect(key in sm, f"safetyMetrics.{key} present")
for kind in ("packages", "scenarios"):
    expect(len(summary[kind]) >= 1 and all(k in summary[kind][0] for k in ("name", "state", "dependencyStatus")),
           f"{kind}[] carry name, state, dependencyStatus")
print(f"report: {json.dumps(report)}")
print(f"monitor: jobs {model['jobs']}, misses {sm['deadlineMissCount']}, overruns {sm['budgetOverrunCount']}, "
      f"alive {sm['aliveFailureCount']}, status {model['supervisionStatus']}, "
      f"detection delay {model['worstDetectionDelay']} ms, tick {tick} ms, wake-up max {latency_max} ms")
if case == "faults":
    expect(model["jobs"] == report["jobs"], f"jobs: monitor {model['jobs']} == client {report['jobs']}")
    expect(sm["deadlineMissCount"] == report["observed"]["misses"],
           f"deadline misses: monitor {sm['deadlineMissCount']} == client {report['observed']['misses']}")
    expect(sm["budgetOverrunCount"] == report["observed"]["overruns"],
           f"budget overruns: monitor {sm['budgetOverrunCount']} == client {report['observed']['overruns']}")
    expect(report["injected"]["misses"] > 0 and report["injected"]["overruns"] > 0, "faults were injected")
    delay = model["worstDetectionDelay"]["deadline"]
    # Detection happens at the first tick after the miss became certain; the kernel may wake the
    # supervisor late by its measured wake-up latency.
    expect(delay <= tick + latency_max + 0.05,
           f"worst deadline detection delay {delay:.3f} ms <= one tick {tick} ms (+ wake-up {latency_max:.3f} ms)")
    print(f"worst detection delay: {delay:.3f} ms (tick {tick} ms)")
elif case == "crash":
    expect(model["crashes"] >= 1, f"crash seen: {model['crashes']}")
    expect(model["restarts"] == 1, f"restarted once by the recovery policy: {model['restarts']}")
    expect(any(t["to"] in ("loaded", "loading") for t in model["transitions"][1:]), "running again after restart")
elif case == "estimated":
    expect(model["estimated"] is True, "supervised from schedstat, marked estimated")
    expect(model["jobs"] >= 50, f"period windows judged: {model['jobs']} (4 s at 20 ms)")
    expect(sm["budgetOverrunCount"] == 0, f"no CPU budget overrun in any window: {sm['budgetOverrunCount']}")
elif case == "etcd-stall":
    in_etcd = int(open(sys.argv[4]).read())
    journal = summary["monitor"]["journal"]
    p99 = summary["monitor"]["supervisorLatency"]["p99"]
    expect(journal["eventsJournaled"] == in_etcd,
           f"events journaled {journal['eventsJournaled']} = events in etcd {in_etcd} after the stall")
    expect(summary["monitor"]["etcd"]["remainingInJournal"] == 0, "nothing left only in the journal")
    expect(model["jobs"] == report["jobs"], f"supervision went on: jobs {model['jobs']} == {report['jobs']}")
    # A supervisor coupled to the stalled writer would wake up seconds late or drop records; how
    # late a FIFO thread wakes on a shared 2-core VM running other tests is the host's business
    # (p99 is the upper edge of a power-of-two bucket), so it is printed, not judged.
    stall_ms = 5000.0
    expect(latency_max < stall_ms / 10,
           f"supervisor worst wake-up {latency_max:.3f} ms stayed far below the {stall_ms:.0f} ms stall (p99 {p99:.3f} ms)")
    expect(summary["monitor"]["ringDrops"] == 0, f"no record dropped between threads: {summary['monitor']['ringDrops']}")
elif case == "degraded":
    rt = summary["monitor"]["rt"]
    expect(not rt["granted"] and rt["degraded"], f"degraded mode recorded: {rt}")
    expect(model["jobs"] == report["jobs"], f"still supervised: jobs {model['jobs']} == {report['jobs']}")
elif case == "hang":
    expect(sm["aliveFailureCount"] >= 1, f"missing activations detected: {sm['aliveFailureCount']}")
    expect(model["worstDetectionDelay"]["alive"] <= tick + latency_max + 0.05,
           f"alive detection delay {model['worstDetectionDelay']['alive']:.3f} ms within one tick")
ok = len(failures) == 0
print(f"{'PASS' if ok else 'FAIL'}: {case}")
sys.exit(0 if ok else 1)
