namespace Clipper.Stages.Fetch;

/// <summary>
/// One source to fetch.
/// </summary>
/// <param name="Input">A local path, a <c>file:</c> URI or an http(s) URL, as the user gave it.</param>
/// <param name="WorkDir">The job's working directory; downloads are streamed into it and removed afterwards.</param>
/// <param name="MinDurationSeconds">The job's shortest clip: a shorter source cannot yield one.</param>
/// <param name="Progress">Told the fraction done, 0..1, never decreasing; ends at 1 on success.</param>
public sealed record FetchRequest(string Input, string WorkDir, double MinDurationSeconds, IProgress<double>? Progress = null);
