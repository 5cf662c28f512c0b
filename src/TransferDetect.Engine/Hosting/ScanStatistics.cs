using System.Globalization;

namespace TransferDetect.Engine.Hosting;

/// <summary>Counts of what a scan read and skipped; nothing is dropped without being counted here.</summary>
public sealed class ScanStatistics
{
    public long FilesRead { get; internal set; }
    public long FilesWithIssues { get; internal set; }
    public long FilesSkippedByName { get; internal set; }
    public long DirectoriesPrunedByDate { get; internal set; }
    public long DirectoriesPrunedByRegion { get; internal set; }
    public long OtherRegions { get; internal set; }
    public long LinksNotFollowed { get; internal set; }
    public long Records { get; internal set; }
    public long InvalidRecords { get; internal set; }
    public long ForeignRecords { get; internal set; }
    public long CandidateRecords { get; internal set; }
    public long OutsideTimeWindow { get; internal set; }
    public long ShareEvents { get; internal set; }

    /// <summary>Events folded into the operation they belong to (an Azure operation's Started record, an M365 share's companions).</summary>
    public long FoldedEvents { get; internal set; }
    public long BytesRead { get; internal set; }
    public long Issues { get; internal set; }

    /// <summary>Adds the counts of a part of the scan (one file read on a worker).</summary>
    internal void Add(ScanStatistics o)
    {
        FilesRead += o.FilesRead;
        FilesWithIssues += o.FilesWithIssues;
        FilesSkippedByName += o.FilesSkippedByName;
        DirectoriesPrunedByDate += o.DirectoriesPrunedByDate;
        DirectoriesPrunedByRegion += o.DirectoriesPrunedByRegion;
        OtherRegions += o.OtherRegions;
        LinksNotFollowed += o.LinksNotFollowed;
        Records += o.Records;
        InvalidRecords += o.InvalidRecords;
        ForeignRecords += o.ForeignRecords;
        CandidateRecords += o.CandidateRecords;
        OutsideTimeWindow += o.OutsideTimeWindow;
        ShareEvents += o.ShareEvents;
        FoldedEvents += o.FoldedEvents;
        BytesRead += o.BytesRead;
        Issues += o.Issues;
    }

    public string Summary() => string.Format(CultureInfo.InvariantCulture,
        "Read {0} file(s), {1} record(s), {2:N0} byte(s) of text; {3} share event(s) from {4} share record(s), {15} of them folded into the operation they belong to. " +
        "Skipped: {5} invalid record(s), {6} record(s) of another shape, {7} share record(s) outside the time window, " +
        "{13} share record(s) of other regions, {8} file(s) in folders by name, {9} folder(s) outside the time window, " +
        "{14} folder(s) of other regions, {10} link(s) not followed; {11} problem(s) reported in {12} file(s).",
        FilesRead, Records, BytesRead, ShareEvents, CandidateRecords,
        InvalidRecords, ForeignRecords, OutsideTimeWindow,
        FilesSkippedByName, DirectoriesPrunedByDate, LinksNotFollowed, Issues, FilesWithIssues,
        OtherRegions, DirectoriesPrunedByRegion, FoldedEvents);
}
