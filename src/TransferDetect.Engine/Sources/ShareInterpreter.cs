using System;
using System.Collections.Generic;
using System.Text.Json;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Sources;

/// <summary>What the byte-level look at a raw record says, before any parsing.</summary>
internal enum RecordClaim
{
    /// <summary>Nothing in the bytes marks the record as this provider's.</summary>
    NotMine,

    /// <summary>This provider's record, and its operation cannot be a share: skip it without parsing.</summary>
    Skip,

    /// <summary>This provider's record (or possibly so) that may hold a share: parse it.</summary>
    Candidate,
}

/// <summary>
/// One provider's log format: how to recognise its records and turn them into share events. The
/// reader asks each interpreter in turn to claim a raw record by its bytes (cheap, no allocation),
/// parses the claimed candidates once, and hands the parsed record to the interpreter.
/// </summary>
internal abstract class ShareInterpreter
{
    protected ShareInterpreter(ISet<ShareCategory>? categories)
    {
        Categories = categories;
    }

    public abstract Provider Provider { get; }

    /// <summary>The format's name in messages ("CloudTrail", "Azure Activity Log", ...).</summary>
    public abstract string FormatName { get; }

    /// <summary>The categories to return; null for all.</summary>
    public ISet<ShareCategory>? Categories { get; }

    /// <summary>The operations this interpreter can turn into share events, for the chosen categories.</summary>
    public abstract IReadOnlyList<string> Operations { get; }

    /// <summary>
    /// Claims a raw record by its bytes. Must never answer <see cref="RecordClaim.Skip"/> for a record
    /// that <see cref="Interpret"/> would turn into an event: a wrong Skip loses a share silently.
    /// </summary>
    public abstract RecordClaim Claim(ReadOnlySpan<byte> json);

    /// <summary>Is the parsed record of this provider's shape (whatever its operation)?</summary>
    public abstract bool Recognizes(JsonElement record);

    /// <summary>Appends the share events of one recognised record to <paramref name="output"/>.</summary>
    public abstract void Interpret(JsonElement record, RecordContext context, List<ShareEvent> output);

    /// <summary>How records of one operation are folded into one event; null when they are not.</summary>
    public virtual IShareEventFold? Fold => null;

    protected bool Wants(ShareCategory category) => Categories == null || Categories.Contains(category);
}

/// <summary>Folds the several records of one operation into one event (Azure Started/Succeeded, M365 companions).</summary>
internal interface IShareEventFold
{
    /// <summary>The key events of one operation share; null when the event stands alone.</summary>
    string? KeyOf(ShareEvent e);

    /// <summary>One event for both; <paramref name="earlier"/> arrived first.</summary>
    ShareEvent Merge(ShareEvent earlier, ShareEvent later);

    /// <summary>How far apart in time this event's records may be and still fold; null for the reader's fold window.</summary>
    TimeSpan? WindowOf(ShareEvent e);
}

/// <summary>What an interpreter knows of the record it is reading: where it is, and where to report problems.</summary>
internal sealed class RecordContext
{
    private readonly FileIssues _issues;
    private readonly RawRecord _raw;

    internal RecordContext(FileIssues issues, in RawRecord raw, SourceLocation location, ScanStatistics statistics)
    {
        _issues = issues;
        _raw = raw;
        Location = location;
        Statistics = statistics;
    }

    public SourceLocation Location { get; }

    public ScanStatistics Statistics { get; }

    /// <summary>Reports a problem with this record (named by file, line, record number and offset).</summary>
    public void Report(ReadIssueKind kind, string message) => _issues.Report(kind, message, _raw);

    /// <summary>Reports a share record that lacks what its grant needs and counts it as invalid.</summary>
    public void Incomplete(string message)
    {
        Statistics.InvalidRecords++;
        _issues.Report(ReadIssueKind.IncompleteRecord, message, _raw);
    }
}
