using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Detection;

/// <summary>Where a grantee stands relative to the trust zone.</summary>
internal enum Verdict
{
    /// <summary>Inside the zone (or the owner itself): not a finding.</summary>
    Trusted,

    /// <summary>A named principal outside the zone.</summary>
    External,

    /// <summary>Everyone: public grants, anonymous links.</summary>
    Public,

    /// <summary>A grantee that could not be classified: reported, since it cannot be shown to be inside.</summary>
    Unknown,
}

/// <summary>A provider judge's decision on one share event; severity and reason default from the verdict.</summary>
internal readonly struct Judgement
{
    public Judgement(Verdict verdict, Severity? severity = null, string? reason = null)
    {
        Verdict = verdict;
        Severity = severity;
        Reason = reason;
    }

    public Verdict Verdict { get; }
    public Severity? Severity { get; }
    public string? Reason { get; }
}
