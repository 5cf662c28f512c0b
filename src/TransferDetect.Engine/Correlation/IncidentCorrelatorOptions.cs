using System;
using TransferDetect.Engine.Baselines;

namespace TransferDetect.Engine.Correlation;

/// <summary>Settings of <see cref="IncidentCorrelator"/>.</summary>
public sealed class IncidentCorrelatorOptions
{
    /// <summary>
    /// A chain grows while its next event is at most this far in time from it (either direction), and is
    /// emitted once the stream has moved further than this away from it (default 3 days: a snapshot shared
    /// on a Friday and copied on the Monday is one incident).
    /// </summary>
    public TimeSpan ChainWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>This many distinct resources (or more) shared to one principal make a <c>MassShare</c> incident (default 3).</summary>
    public int MassShareThreshold { get; set; } = 3;

    /// <summary>
    /// Events held at most (in open chains and recent creations; default 10,000): memory stays bounded. When it is
    /// reached, the chain touched longest ago is emitted early (counted and reported, never dropped).
    /// </summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Addresses remembered as the accounts' and tenants' own (from their users' share calls), at most (default 10,000).</summary>
    public int MaxOwnAddresses { get; set; } = 10_000;

    /// <summary>Principals whose first appearance is remembered for first-seen marking, at most (default 100,000).</summary>
    public int MaxTrackedGrantees { get; set; } = 100_000;

    /// <summary>A baseline of known grantees: a grantee it names is never first-seen. Null: none.</summary>
    public ShareBaseline? Baseline { get; set; }
}
