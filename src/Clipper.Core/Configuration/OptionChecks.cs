using Clipper.Core.Errors;

namespace Clipper.Core.Configuration;

/// <summary>
/// What is wrong with one configuration section, each problem naming its full key and the reason
/// (<c>Clipper:Job:MaxAttempts must be at least 1, got 0</c>).
/// </summary>
public sealed class OptionChecks(string section)
{
    private readonly List<string> _problems = [];

    public string Section => section;

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Records a problem already phrased with its full key.</summary>
    public OptionChecks Add(string problem)
    {
        _problems.Add(problem);
        return this;
    }

    /// <summary>Records <c>Section:key reason</c> unless <paramref name="ok"/>.</summary>
    public OptionChecks Require(bool ok, string key, string reason)
    {
        if (!ok)
        {
            _problems.Add($"{section}:{key} {reason}");
        }

        return this;
    }

    public OptionChecks AtLeast(long value, long min, string key) => Require(value >= min, key, $"must be at least {min}, got {value}");

    public OptionChecks Positive(TimeSpan value, string key) => Require(value > TimeSpan.Zero, key, $"must be a positive time span (hh:mm:ss), got {value}");

    /// <summary>
    /// Runs a stage library's own <c>Validate()</c>, whose message starts with the setting's name (relative to the
    /// section), and records what it throws.
    /// </summary>
    public OptionChecks Run(Action validate)
    {
        try
        {
            validate();
        }
        catch (Exception e) when (e is ClipperException or ArgumentException)
        {
            _problems.Add($"{section}:{e.Message}");
        }

        return this;
    }

    /// <summary>Throws one <see cref="ErrorCode.BadOption"/> naming every problem found.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new ClipperException(ErrorCode.BadOption, string.Join("; ", _problems));
        }
    }
}
