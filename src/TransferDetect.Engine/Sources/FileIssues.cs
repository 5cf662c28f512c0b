using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;

namespace TransferDetect.Engine.Sources;

/// <summary>
/// The problems of one file: each reported up to a limit, then counted and summarised at the end so
/// a file of ten thousand broken lines gives a readable error stream, and nothing goes uncounted.
/// Records of another shape are summarised as one problem for the file.
/// </summary>
internal sealed class FileIssues
{
    private readonly IScanHost _host;
    private readonly ScanStatistics _stats;
    private readonly string _file;
    private readonly int _limit;
    private int _suppressed;
    private long _foreign;
    private RawRecord _firstForeign;

    public FileIssues(IScanHost host, ScanStatistics stats, string file, int limit)
    {
        _host = host;
        _stats = stats;
        _file = file;
        _limit = limit;
    }

    public int Count { get; private set; }

    public void Report(ReadIssue issue)
    {
        Count++;
        _stats.Issues++;
        if (Count <= _limit) _host.ReportIssue(issue);
        else _suppressed++;
    }

    public void Report(ReadIssueKind kind, string message, in RawRecord record) =>
        Report(new ReadIssue(kind, _file, message, record.Line, record.Offset, record.Number));

    public void Foreign(in RawRecord record)
    {
        if (_foreign++ == 0) _firstForeign = record;
    }

    /// <summary>Reports the summaries; call once when the file is done.</summary>
    public void Finish(string expected)
    {
        if (_foreign > 0)
        {
            Count++;
            _stats.Issues++;
            _host.ReportIssue(new ReadIssue(ReadIssueKind.UnexpectedShape, _file,
                $"{_foreign} record(s) are JSON of another shape, not {expected} records; the first is here",
                _firstForeign.Line, _firstForeign.Offset, _firstForeign.Number));
        }
        if (_suppressed > 0)
        {
            _host.ReportIssue(new ReadIssue(ReadIssueKind.MoreIssues, _file,
                $"{_suppressed} more problem(s) in this file were counted but not reported one by one"));
        }
        if (Count > 0) _stats.FilesWithIssues++;
    }
}
