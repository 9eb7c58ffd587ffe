namespace Clipper.Stages.Transcribe.Remote;

/// <summary>
/// A sliding one-minute window of requests and audio minutes sent (pure: the caller passes the time). A request may go
/// when, with it, the last minute stays within both limits; a request bigger than the audio limit alone goes when the
/// window is empty, so it waits but is never refused. A limit of 0 is no limit.
/// </summary>
public sealed class RateWindow(int requestsPerMinute, double audioMinutesPerMinute)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly Queue<(DateTimeOffset At, double Minutes)> sent = new();
    private double minutesInWindow;

    /// <summary>Requests in the window now.</summary>
    public int Requests => sent.Count;

    /// <summary>
    /// Takes a permit for a request of <paramref name="audioMinutes"/> at <paramref name="now"/> and returns zero, or takes
    /// nothing and returns how long to wait before asking again.
    /// </summary>
    public TimeSpan Take(DateTimeOffset now, double audioMinutes)
    {
        while (sent.Count > 0 && sent.Peek().At + Minute <= now)
        {
            minutesInWindow -= sent.Dequeue().Minutes;
        }

        if (sent.Count == 0)
        {
            minutesInWindow = 0;
        }

        bool requestsOk = requestsPerMinute <= 0 || sent.Count < requestsPerMinute;
        bool audioOk = audioMinutesPerMinute <= 0 || sent.Count == 0 || minutesInWindow + audioMinutes <= audioMinutesPerMinute + 1e-9;
        if (requestsOk && audioOk)
        {
            sent.Enqueue((now, audioMinutes));
            minutesInWindow += audioMinutes;
            return TimeSpan.Zero;
        }

        // the earliest moment enough of the window has gone: drop the oldest entries until both limits would hold
        double minutes = minutesInWindow;
        int count = sent.Count;
        foreach (var (at, m) in sent)
        {
            minutes -= m;
            count--;
            bool fits = (requestsPerMinute <= 0 || count < requestsPerMinute)
                && (audioMinutesPerMinute <= 0 || count == 0 || minutes + audioMinutes <= audioMinutesPerMinute + 1e-9);
            if (fits)
            {
                var wait = at + Minute - now;
                return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
            }
        }

        return Minute;
    }
}
