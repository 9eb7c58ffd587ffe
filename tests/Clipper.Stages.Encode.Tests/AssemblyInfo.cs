// Encodes are CPU-bound and the machine is small and shared: one test at a time keeps timings and the
// "exactly one ffmpeg child" checks honest.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
