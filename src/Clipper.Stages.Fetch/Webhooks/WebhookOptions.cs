using Clipper.Core.Configuration;

namespace Clipper.Stages.Fetch.Webhooks;

/// <summary>Operator settings of webhook delivery ("Clipper:Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string Section = "Clipper:Webhooks";

    /// <summary>An endpoint told of every job that names none of its own (CLIPPER_WEBHOOK_URL); empty: none.</summary>
    public string DefaultUrl { get; set; } = "";

    /// <summary>The default endpoint's secret, <c>whsec_…</c> (CLIPPER_WEBHOOK_SECRET).</summary>
    public string DefaultSecret { get; set; } = "";

    /// <summary>Lets callbacks reach loopback and private addresses (tests, internal receivers). Metadata endpoints stay blocked.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>One attempt's limit: connecting, sending and reading the answer.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; it doubles after each further failure (±<see cref="Jitter"/>).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an event is retried after its first failed attempt before it is given up.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The random share (0..1) by which each wait is lengthened or shortened, so that retries do not arrive in step.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The period of the reminder that reactivates an outbox with undelivered events after its silo died.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts kept per endpoint for the job page (the oldest are dropped).</summary>
    public int AttemptsKept { get; set; } = 50;

    /// <summary>How long the signed links (SAS) in clip.ready and job.completed stay valid, where the store signs.</summary>
    public TimeSpan LinkExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The wait before attempt <paramref name="failures"/> + 1, given a uniform random number in [0, 1).</summary>
    public TimeSpan RetryDelay(int failures, double random)
    {
        var doubled = FirstRetryDelay.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var seconds = Math.Min(doubled, MaxRetryDelay.TotalSeconds) * (1 + Jitter * (2 * random - 1));
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }

    public void Check(OptionChecks c)
    {
        c.Positive(AttemptTimeout, nameof(AttemptTimeout));
        c.Positive(FirstRetryDelay, nameof(FirstRetryDelay));
        c.Require(MaxRetryDelay >= FirstRetryDelay, nameof(MaxRetryDelay), $"must be at least FirstRetryDelay, got {MaxRetryDelay}");
        c.Positive(RetryFor, nameof(RetryFor));
        c.Require(Jitter is >= 0 and < 1, nameof(Jitter), $"must be 0 or more and below 1, got {Jitter}");
        c.Positive(ReminderPeriod, nameof(ReminderPeriod));
        c.AtLeast(AttemptsKept, 1, nameof(AttemptsKept));
        c.Positive(LinkExpiry, nameof(LinkExpiry));
        c.Require(DefaultUrl.Length == 0 || WebhookSigner.IsSecret(DefaultSecret), nameof(DefaultSecret),
            "must be a whsec_ secret (whsec_ followed by base64) when DefaultUrl is set");
    }
}
