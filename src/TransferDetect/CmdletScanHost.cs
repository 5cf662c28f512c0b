using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Commands;

/// <summary>Adapts the engine's callbacks to a cmdlet's error, verbose and progress streams.</summary>
internal sealed class CmdletScanHost : IScanHost
{
    private const int ActivityId = 0x7D37;
    private readonly Cmdlet _cmdlet;
    private readonly string _activity;
    private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
    private bool _progressShown;

    public CmdletScanHost(Cmdlet cmdlet, string activity)
    {
        _cmdlet = cmdlet;
        _activity = activity;
    }

    public void ReportIssue(ReadIssue issue)
    {
        if (issue.Kind == ReadIssueKind.SourceLimited)
        {
            // What a source cannot serve (the Activity Log's 90 days) is said, not an error: the rest is read.
            _cmdlet.WriteWarning(issue.Message);
            return;
        }
        var category = issue.Kind switch
        {
            ReadIssueKind.FileUnreadable => ErrorCategory.ReadError,
            ReadIssueKind.Truncated => ErrorCategory.ReadError,
            ReadIssueKind.CorruptCompression => ErrorCategory.ReadError,
            ReadIssueKind.MoreIssues => ErrorCategory.LimitsExceeded,
            ReadIssueKind.SourceFailed => ErrorCategory.ConnectionError,
            _ => ErrorCategory.InvalidData,
        };
        var record = new ErrorRecord(new InvalidDataException(issue.Message), issue.ErrorId, category, issue.File);
        record.ErrorDetails = new ErrorDetails(issue.Message);
        _cmdlet.WriteError(record);
    }

    public void Verbose(string message) => _cmdlet.WriteVerbose(message);

    public void Progress(ScanProgress progress)
    {
        if (_progressShown && _sinceProgress.ElapsedMilliseconds < 250) return;
        _sinceProgress.Restart();
        _progressShown = true;
        _cmdlet.WriteProgress(new ProgressRecord(ActivityId, _activity,
            $"{progress.FilesRead} file(s), {progress.RecordsRead:N0} record(s), {progress.BytesRead / (1024 * 1024):N0} MB read")
        {
            CurrentOperation = progress.CurrentFile,
        });
    }

    public void Complete()
    {
        if (!_progressShown) return;
        _cmdlet.WriteProgress(new ProgressRecord(ActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
