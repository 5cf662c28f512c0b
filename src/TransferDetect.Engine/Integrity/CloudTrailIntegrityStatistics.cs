using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace TransferDetect.Engine.Integrity;

/// <summary>Counts of an integrity check, and the period its digests cover.</summary>
public sealed class CloudTrailIntegrityStatistics
{
    private readonly Dictionary<IntegrityStatus, int> _logs = new();
    private readonly Dictionary<IntegrityStatus, int> _digests = new();

    public int LogFiles => _logs.Values.Sum();
    public int Digests => _digests.Values.Sum();
    public long BytesHashed { get; internal set; }

    /// <summary>Account/region folders (with their trails) checked.</summary>
    public int Groups { get; internal set; }

    /// <summary>Account/region folders with log files but no digest at all: nothing in them can be checked.</summary>
    public List<string> FoldersWithoutDigests { get; } = new();

    /// <summary>Earliest digestStartTime and latest digestEndTime of the digests read.</summary>
    public DateTime? CoveredFrom { get; internal set; }
    public DateTime? CoveredUntil { get; internal set; }

    public int LogFilesWith(IntegrityStatus status) => _logs.TryGetValue(status, out int n) ? n : 0;
    public int DigestsWith(IntegrityStatus status) => _digests.TryGetValue(status, out int n) ? n : 0;

    /// <summary>Log files and digests whose status is not Valid (NotCovered and SignatureNotChecked included).</summary>
    public int Problems => _logs.Where(p => p.Key != IntegrityStatus.Valid).Sum(p => p.Value) +
                           _digests.Where(p => p.Key != IntegrityStatus.Valid).Sum(p => p.Value);

    /// <summary>Problems that mean evidence was changed, removed, added or cannot be read (not NotCovered nor SignatureNotChecked).</summary>
    public int IntegrityFailures => Problems - LogFilesWith(IntegrityStatus.NotCovered) - DigestsWith(IntegrityStatus.SignatureNotChecked);

    internal void Count(CloudTrailIntegrityResult r)
    {
        var d = r.Kind == IntegrityItemKind.LogFile ? _logs : _digests;
        d[r.Status] = (d.TryGetValue(r.Status, out int n) ? n : 0) + 1;
    }

    internal void Covered(DateTime start, DateTime end)
    {
        if (CoveredFrom == null || start < CoveredFrom) CoveredFrom = start;
        if (CoveredUntil == null || end > CoveredUntil) CoveredUntil = end;
    }

    public string Summary()
    {
        var sb = new StringBuilder();
        sb.Append(FormattableString.Invariant($"Checked {LogFiles} log file(s) and {Digests} digest(s) in {Groups} account/region folder(s)"));
        if (CoveredFrom is DateTime from && CoveredUntil is DateTime until)
        {
            sb.Append(FormattableString.Invariant($", digests from {from:yyyy-MM-dd HH:mm:ss} to {until:yyyy-MM-dd HH:mm:ss} UTC"));
        }
        sb.Append(FormattableString.Invariant($"; {BytesHashed:N0} uncompressed bytes hashed. Log files: "));
        sb.Append(Counts(_logs)).Append(". Digests: ").Append(Counts(_digests)).Append('.');
        return sb.ToString();
    }

    private static string Counts(Dictionary<IntegrityStatus, int> d) =>
        d.Count == 0 ? "none" : string.Join(", ", d.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key}"));
}
