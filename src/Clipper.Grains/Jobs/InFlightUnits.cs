using Clipper.Abstractions.Work;

namespace Clipper.Grains.Jobs;

/// <summary>
/// The units a job dispatched and has not heard back from: each with the token its report must carry, when it was
/// handed over, its live progress and how many liveness checks in a row got no answer. Not persisted: a reactivated
/// job has none, and the plan dispatches again whatever has no result (a running unit keeps running once).
/// </summary>
public sealed class InFlightUnits
{
    private readonly Dictionary<WorkId, Unit> _units = [];

    public IReadOnlyCollection<WorkId> Running => _units.Keys;

    public int Count => _units.Count;

    /// <summary>Live progress (0..1) of each running unit.</summary>
    public IReadOnlyDictionary<WorkId, double> Progress => _units.ToDictionary(kv => kv.Key, kv => kv.Value.Progress);

    public void Dispatched(WorkId id, string token, DateTimeOffset now) => _units[id] = new Unit(token, now);

    public bool IsCurrent(WorkId id, string token) => _units.TryGetValue(id, out var u) && u.Token == token;

    public string? TokenOf(WorkId id) => _units.TryGetValue(id, out var u) ? u.Token : null;

    /// <summary>Records progress of the current dispatch; false for a stale token or no change.</summary>
    public bool Report(WorkId id, string token, double fraction)
    {
        if (!_units.TryGetValue(id, out var u) || u.Token != token || fraction <= u.Progress)
        {
            return false;
        }

        u.Progress = fraction;
        return true;
    }

    public void Remove(WorkId id) => _units.Remove(id);

    public void Clear() => _units.Clear();

    /// <summary>The running units with their token and the time they were handed over.</summary>
    public IReadOnlyList<(WorkId Id, string Token, DateTimeOffset Since)> Snapshot() =>
        _units.Select(kv => (kv.Key, kv.Value.Token, kv.Value.Since)).ToList();

    /// <summary>Counts a liveness check that got no answer; returns how many in a row.</summary>
    public int Unanswered(WorkId id) => _units.TryGetValue(id, out var u) ? ++u.Unknown : 0;

    public void Answered(WorkId id)
    {
        if (_units.TryGetValue(id, out var u))
        {
            u.Unknown = 0;
        }
    }

    private sealed class Unit(string token, DateTimeOffset since)
    {
        public string Token { get; } = token;

        public DateTimeOffset Since { get; } = since;

        public double Progress { get; set; }

        public int Unknown { get; set; }
    }
}
