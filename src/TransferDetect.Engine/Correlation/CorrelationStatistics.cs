using System.Globalization;

namespace TransferDetect.Engine.Correlation;

/// <summary>Counts of what the correlator did, so nothing it passes over goes unmentioned.</summary>
public sealed class CorrelationStatistics
{
    public long Events { get; internal set; }

    /// <summary>Events that joined a chain (findings, revocations of a chain's grants, creations of its resources).</summary>
    public long ChainedEvents { get; internal set; }

    public long Incidents { get; internal set; }

    /// <summary>Chains emitted before their window had passed because <see cref="IncidentCorrelatorOptions.Capacity"/> was reached.</summary>
    public long ClosedAtCapacity { get; internal set; }

    /// <summary>Creation and revocation events, waiting for a chain, forgotten before their window had passed because the capacity was reached.</summary>
    public long CreationsForgotten { get; internal set; }

    /// <summary>Grantees whose first appearance could not be remembered (<see cref="IncidentCorrelatorOptions.MaxTrackedGrantees"/> reached).</summary>
    public long GranteesNotTracked { get; internal set; }

    public string Summary() => string.Format(CultureInfo.InvariantCulture,
        "Correlated {0} share event(s): {1} in {2} incident(s); {3} chain(s) emitted early at the capacity, {4} creation(s) or revocation(s) forgotten at the capacity, {5} grantee(s) not tracked for first-seen.",
        Events, ChainedEvents, Incidents, ClosedAtCapacity, CreationsForgotten, GranteesNotTracked);
}
