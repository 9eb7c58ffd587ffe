#!/usr/bin/python3
"""A non-.NET client test of Clipper's gRPC API (clipper.v1.Clipper).

Compiles the project's own clipper.proto with grpc_tools.protoc at run time, then drives a running server:
health, an upload watched to the end (and one clip fetched over HTTP), GetJob/ListJobs, a cancelled upload,
and one malformed request for every status code the API answers with.

    /usr/bin/python3 tests/python/clipper_client.py --server 127.0.0.1:7070 \
        --video .test-media/short-talk.mp4 --out /tmp/clipper-py [--api-key K] [--expect-unauthenticated]

Prints "ok   <name>" / "FAIL <name>: <why>" per check, writes --out/result.json
({"passed": n, "failed": n, "checks": [...]}) and exits 0 only when every check passed.
Needs only grpcio and grpcio-tools (Debian: python3-grpcio, python3-grpc-tools).
"""

import argparse
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.request

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.normpath(os.path.join(HERE, "..", "..", "src", "Clipper.Gateway", "Protos", "clipper.proto"))
CHUNK = 256 * 1024
WATCH_TIMEOUT = 900.0  # seconds for the whole watched job (it takes about a minute on two cores)


class CheckFailed(Exception):
    pass


class Runner:
    def __init__(self):
        self.checks = []

    def record(self, name, ok, detail=""):
        self.checks.append({"name": name, "ok": bool(ok), "detail": detail})
        if ok:
            print(f"ok   {name}", flush=True)
        else:
            print(f"FAIL {name}: {detail}", flush=True)
        return ok

    def check(self, name, fn):
        """Runs fn(); a CheckFailed/AssertionError/other exception is a failure. Returns fn's value or None."""
        try:
            value = fn()
        except (CheckFailed, AssertionError) as e:
            self.record(name, False, str(e) or type(e).__name__)
            return None
        except grpc.RpcError as e:
            self.record(name, False, f"unexpected {describe(e)}")
            return None
        except Exception as e:  # noqa: BLE001 - a check must not end the run
            self.record(name, False, f"{type(e).__name__}: {e}")
            return None
        # a check may return a string: what it saw, kept as the passed check's detail
        self.record(name, True, value if isinstance(value, str) else "")
        return value

    @property
    def passed(self):
        return sum(1 for c in self.checks if c["ok"])

    @property
    def failed(self):
        return sum(1 for c in self.checks if not c["ok"])


def describe(e):
    try:
        return f"{e.code().name} \"{e.details()}\""
    except Exception:  # noqa: BLE001
        return repr(e)


def require(cond, why):
    if not cond:
        raise CheckFailed(why)


def compile_stubs(out):
    """clipper.proto -> out/clipper_pb2.py, out/clipper_pb2_grpc.py; returns (pb2, pb2_grpc)."""
    from grpc_tools import protoc

    require(os.path.isfile(PROTO), f"no proto at {PROTO}")
    stubs = os.path.join(out, "stubs")
    os.makedirs(stubs, exist_ok=True)
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = ["grpc_tools.protoc", f"-I{os.path.dirname(PROTO)}", f"--python_out={stubs}", f"--grpc_python_out={stubs}"]
    if os.path.isdir(well_known):
        args.append(f"-I{well_known}")
    args.append(PROTO)
    rc = protoc.main(args)
    require(rc == 0, f"protoc exited {rc}")
    sys.path.insert(0, stubs)
    import clipper_pb2  # noqa: E402
    import clipper_pb2_grpc  # noqa: E402

    return clipper_pb2, clipper_pb2_grpc


class Client:
    def __init__(self, args, pb, pb_grpc):
        self.pb = pb
        self.key = args.api_key
        self.channel = grpc.insecure_channel(args.server)
        self.stub = pb_grpc.ClipperStub(self.channel)
        self.video = args.video

    def md(self):
        return [("x-api-key", self.key)] if self.key else None

    def chunks(self, name, data, size=None, header=True, max_clips=3):
        if header:
            yield self.pb.UploadChunk(header=self.pb.UploadHeader(
                file_name=name, options=self.pb.ClipOptions(max_clips=max_clips),
                size=len(data) if size is None else size))
        for i in range(0, len(data), CHUNK):
            yield self.pb.UploadChunk(data=data[i:i + CHUNK])

    def upload(self, name, data, **kw):
        return self.stub.UploadJob(self.chunks(name, data, **kw), metadata=self.md(), timeout=300)

    def upload_video(self):
        with open(self.video, "rb") as f:
            data = f.read()
        job = self.upload(os.path.basename(self.video), data)
        states = (self.pb.SUBMITTED, self.pb.RUNNING)
        require(job.job_id, "the Job has no job_id")
        require(job.state in states, f"state {self.state(job.state)}, want SUBMITTED or RUNNING")
        return job

    def get(self, job_id):
        return self.stub.GetJob(self.pb.GetJobRequest(job_id=job_id), metadata=self.md(), timeout=30)

    def cancel(self, job_id):
        return self.stub.CancelJob(self.pb.CancelJobRequest(job_id=job_id), metadata=self.md(), timeout=30)

    def list(self, **kw):
        return self.stub.ListJobs(self.pb.ListJobsRequest(**kw), metadata=self.md(), timeout=30)

    def submit(self, url, **options):
        opts = self.pb.ClipOptions(**options) if options else None
        return self.stub.SubmitJob(self.pb.SubmitJobRequest(source_url=url, options=opts), metadata=self.md(), timeout=60)

    def state(self, value):
        return self.pb.JobState.Name(value)


def expect_status(r, name, call, code, prefix=None):
    """A check that call() fails with the gRPC status `code` and a details string starting with `prefix`."""

    def run():
        try:
            answer = call()
        except grpc.RpcError as e:
            got = e.code()
            require(got == code, f"got {describe(e)}, want {code.name}" + (f" \"{prefix}…\"" if prefix else ""))
            if prefix:
                details = e.details() or ""
                require(details.startswith(prefix), f"{code.name} details \"{details}\" does not start with \"{prefix}\"")
            return describe(e)
        raise CheckFailed(f"succeeded ({type(answer).__name__}: {str(answer)[:200]!r}), want {code.name}")

    r.check(name, run)


def health(r, channel):
    def run():
        try:
            from grpc_health.v1 import health_pb2, health_pb2_grpc
        except ImportError:
            check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                        request_serializer=lambda _: b"", response_deserializer=lambda b: b)
            answer = check(None, timeout=10)
            require(answer == b"\x08\x01", f"Health/Check answered {answer!r}, want b'\\x08\\x01' (SERVING)")
            return
        answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        require(answer.status == health_pb2.HealthCheckResponse.SERVING, f"health status {answer.status}, want SERVING")

    r.check("health SERVING", run)


def malformed(r, c):
    S = grpc.StatusCode
    pb = c.pb
    expect_status(r, "GetJob unknown id -> NOT_FOUND", lambda: c.get("no-such-job"), S.NOT_FOUND, "job_not_found:")
    expect_status(r, "GetJob bad id -> INVALID_ARGUMENT", lambda: c.get("bad id!"), S.INVALID_ARGUMENT, "bad_option:")
    expect_status(r, "SubmitJob empty url -> INVALID_ARGUMENT", lambda: c.submit(""), S.INVALID_ARGUMENT)
    expect_status(r, "SubmitJob loopback url -> FAILED_PRECONDITION", lambda: c.submit("http://127.0.0.1/x.mp4"),
                  S.FAILED_PRECONDITION, "url_blocked:")
    expect_status(r, "SubmitJob metadata url -> FAILED_PRECONDITION", lambda: c.submit("http://169.254.169.254/latest"),
                  S.FAILED_PRECONDITION, "url_blocked:")
    expect_status(r, "SubmitJob ftp url -> FAILED_PRECONDITION", lambda: c.submit("ftp://example.com/a.mp4"),
                  S.FAILED_PRECONDITION, "unsupported_url:")
    expect_status(r, "SubmitJob min > max seconds -> INVALID_ARGUMENT",
                  lambda: c.submit("https://example.com/a.mp4", min_seconds=100, max_seconds=20),
                  S.INVALID_ARGUMENT, "bad_option:")
    expect_status(r, "ListJobs page_size 100000 -> INVALID_ARGUMENT", lambda: c.list(page_size=100000), S.INVALID_ARGUMENT)
    expect_status(r, "ListJobs garbage token -> INVALID_ARGUMENT", lambda: c.list(page_token="garbage"), S.INVALID_ARGUMENT)
    expect_status(r, "UploadJob without header -> INVALID_ARGUMENT",
                  lambda: c.stub.UploadJob(iter([pb.UploadChunk(data=b"\x00" * 1024)]), metadata=c.md(), timeout=60),
                  S.INVALID_ARGUMENT)
    notes = b"These are my notes, not a video.\n" * 2000
    expect_status(r, "UploadJob text file -> FAILED_PRECONDITION", lambda: c.upload("notes.mp4", notes),
                  S.FAILED_PRECONDITION, "not_a_video:")
    with open(c.video, "rb") as f:
        head = f.read(CHUNK)
    size = os.path.getsize(c.video)
    expect_status(r, "UploadJob short of header.size -> INVALID_ARGUMENT",
                  lambda: c.upload(os.path.basename(c.video), head, size=max(size, len(head) + 1)),
                  S.INVALID_ARGUMENT, "bad_option:")
    expect_status(r, "CancelJob unknown id -> NOT_FOUND", lambda: c.cancel("no-such-job"), S.NOT_FOUND)


def watch_to_end(r, c, job_id):
    """WatchJob to the end; returns the last event's Job (or None)."""
    events = []

    def run():
        for e in c.stub.WatchJob(c.pb.WatchJobRequest(job_id=job_id), metadata=c.md(), timeout=WATCH_TIMEOUT):
            events.append(e)
        require(events, "the stream ended without an event")

    r.check("WatchJob streams to the end", run)
    if not events:
        return None

    def first_current():
        require(events[0].reason == "current", f"first event's reason is \"{events[0].reason}\", want \"current\"")

    def percent_monotone():
        for prev, nxt in zip(events, events[1:]):
            require(nxt.job.percent >= prev.job.percent - 0.5,
                    f"percent fell from {prev.job.percent} to {nxt.job.percent} ({prev.reason} -> {nxt.reason})")

    last = events[-1].job

    def completed():
        require(last.state == c.pb.COMPLETED,
                f"last state {c.state(last.state)} (error_code \"{last.error_code}\": {last.error_message}), want COMPLETED")

    def clips_finished():
        require(len(last.clips) > 0, "the completed job has no clips")
        for clip in last.clips:
            require(clip.finished, f"clip {clip.rank} is not finished")
            require(clip.video.url, f"clip {clip.rank} has no video.url")

    r.check("WatchJob first event is current", first_current)
    r.check("WatchJob percent never decreases", percent_monotone)
    r.check("WatchJob ends COMPLETED", completed)
    r.check("WatchJob clips finished with video.url", clips_finished)
    print(f"     ({len(events)} events: {', '.join(e.reason for e in events[:3])}, …, {events[-1].reason};"
          f" {len(last.clips)} clips)", flush=True)
    return last


def fetch_clip(r, c, job):
    def run():
        urls = [clip.video.url for clip in job.clips if clip.video.url]
        require(urls, "no clip has a video.url")
        req = urllib.request.Request(urls[0])
        if c.key:
            req.add_header("x-api-key", c.key)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status = resp.status
                body = resp.read()
        except urllib.error.HTTPError as e:
            raise CheckFailed(f"GET {urls[0]} -> HTTP {e.code}: {e.read()[:200]!r}")
        require(status == 200, f"GET {urls[0]} -> HTTP {status}")
        require(len(body) > 8 and body[4:8] == b"ftyp", f"GET {urls[0]}: {len(body)} bytes, starting {body[:16]!r}, not an MP4")

    r.check("clip video.url is an MP4", run)


def list_all(c, max_pages=1000, **kw):
    """Every page of ListJobs(**kw); yields jobs."""
    token = ""
    for _ in range(max_pages):
        page = c.list(page_token=token, **kw)
        yield from page.jobs
        token = page.next_page_token
        if not token:
            return
    raise CheckFailed(f"ListJobs still had a next_page_token after {max_pages} pages")


def wait_cancelled(c, job_id, answer, seconds=30):
    if answer.state == c.pb.CANCELLED:
        return
    deadline = time.monotonic() + seconds
    job = answer
    while time.monotonic() < deadline:
        time.sleep(0.5)
        job = c.get(job_id)
        if job.state == c.pb.CANCELLED:
            return
        if job.state in (c.pb.COMPLETED, c.pb.FAILED):
            break
    raise CheckFailed(f"CancelJob answered {c.state(answer.state)}, then GetJob {c.state(job.state)}, want CANCELLED")


def full_run(r, c):
    health(r, c.channel)
    malformed(r, c)

    started = []
    try:
        job = r.check("UploadJob video -> SUBMITTED/RUNNING", c.upload_video)
        if job is None:
            return
        started.append(job.job_id)
        print(f"     (job {job.job_id})", flush=True)
        last = watch_to_end(r, c, job.job_id)
        if last is not None and last.state == c.pb.COMPLETED:
            fetch_clip(r, c, last)

        def get_completed():
            got = c.get(job.job_id)
            require(got.job_id == job.job_id, f"GetJob answered job {got.job_id}")
            require(got.state == c.pb.COMPLETED, f"GetJob state {c.state(got.state)}, want COMPLETED")

        r.check("GetJob -> COMPLETED", get_completed)

        # a second upload, cancelled at once (it also gives ListJobs a second page)
        def cancel_second():
            second = c.upload_video()
            started.append(second.job_id)
            wait_cancelled(c, second.job_id, c.cancel(second.job_id))

        r.check("UploadJob + CancelJob -> CANCELLED", cancel_second)

        def paging():
            first = c.list(page_size=1)
            require(len(first.jobs) == 1, f"ListJobs(page_size=1) gave {len(first.jobs)} jobs")
            require(first.next_page_token, "ListJobs(page_size=1) gave no next_page_token")
            seen = [j.job_id for j in first.jobs]
            token = first.next_page_token
            pages = 1
            while job.job_id not in seen and token and pages < 1000:
                page = c.list(page_size=1, page_token=token)
                require(len(page.jobs) <= 1, f"page {pages + 1} has {len(page.jobs)} jobs")
                seen.extend(j.job_id for j in page.jobs)
                token = page.next_page_token
                pages += 1
            require(job.job_id in seen, f"{pages} pages of one job did not reach {job.job_id}")

        r.check("ListJobs page_size=1 pages reach the job", paging)

        def by_state():
            jobs = list(list_all(c, state=c.pb.COMPLETED))
            require(any(j.job_id == job.job_id for j in jobs), f"{job.job_id} is not among {len(jobs)} COMPLETED jobs")
            wrong = [f"{j.job_id}={c.state(j.state)}" for j in jobs if j.state != c.pb.COMPLETED]
            require(not wrong, f"ListJobs(state=COMPLETED) lists {', '.join(wrong)}")

        r.check("ListJobs state=COMPLETED has the job", by_state)

        # a third upload, watched with a 1 s deadline while it runs, then cancelled
        third = r.check("UploadJob video (third)", c.upload_video)
        if third is not None:
            started.append(third.job_id)

            def watch_deadline():
                events = []
                try:
                    for e in c.stub.WatchJob(c.pb.WatchJobRequest(job_id=third.job_id), metadata=c.md(), timeout=1):
                        events.append(e)
                except grpc.RpcError as e:
                    require(e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, f"got {describe(e)}, want DEADLINE_EXCEEDED")
                    return f"{describe(e)} after {len(events)} event(s)"
                states = [c.state(e.job.state) for e in events]
                raise CheckFailed(f"the stream ended within 1 s ({len(events)} events, states {states})")

            expect_name = "WatchJob 1 s deadline -> DEADLINE_EXCEEDED"
            r.check(expect_name, watch_deadline)
            r.check("CancelJob third -> CANCELLED", lambda: wait_cancelled(c, third.job_id, c.cancel(third.job_id)))
    finally:
        # leave nothing running behind (best effort, not a check)
        for job_id in started:
            try:
                if c.get(job_id).state in (c.pb.SUBMITTED, c.pb.RUNNING):
                    c.cancel(job_id)
            except grpc.RpcError:
                pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", required=True, help="HOST:PORT of the gRPC port (h2c)")
    p.add_argument("--video", help="a short talking video (mp4)")
    p.add_argument("--out", required=True, help="scratch dir for the compiled stubs and result.json")
    p.add_argument("--api-key", help="sent as x-api-key metadata (and header on clip downloads)")
    p.add_argument("--expect-unauthenticated", action="store_true",
                   help="only check that GetJob without a key fails UNAUTHENTICATED")
    args = p.parse_args()
    if not args.expect_unauthenticated and not args.video:
        p.error("--video is required (unless --expect-unauthenticated)")
    if args.video and not os.path.isfile(args.video):
        p.error(f"no video at {args.video}")
    os.makedirs(args.out, exist_ok=True)

    r = Runner()
    stubs = r.check("compile clipper.proto", lambda: compile_stubs(args.out))
    client = None
    if stubs is not None:
        pb, pb_grpc = stubs
        if args.expect_unauthenticated:
            args.api_key = None
            client = Client(args, pb, pb_grpc)
            expect_status(r, "GetJob without key -> UNAUTHENTICATED", lambda: client.get("no-such-job"),
                          grpc.StatusCode.UNAUTHENTICATED, "unauthenticated:")
        else:
            client = Client(args, pb, pb_grpc)
            try:
                full_run(r, client)
            except Exception as e:  # noqa: BLE001 - report, don't crash without a result
                r.record("run", False, f"{type(e).__name__}: {e}\n{traceback.format_exc()}")
        client.channel.close()

    result = {"passed": r.passed, "failed": r.failed, "checks": r.checks}
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(f"{r.passed} passed, {r.failed} failed", flush=True)
    return 0 if r.failed == 0 and r.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
