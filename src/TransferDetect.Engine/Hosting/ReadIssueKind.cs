namespace TransferDetect.Engine.Hosting;

/// <summary>What went wrong with an input. Each kind has a stable error id for PowerShell.</summary>
public enum ReadIssueKind
{
    /// <summary>The path does not exist or cannot be opened.</summary>
    FileUnreadable,
    /// <summary>The file has no content.</summary>
    EmptyFile,
    /// <summary>The file does not start with JSON.</summary>
    NotJson,
    /// <summary>Text that is not JSON between records (for example a broken line in JSON lines).</summary>
    UnexpectedContent,
    /// <summary>The file (or its gzip stream) ends in the middle of the data.</summary>
    Truncated,
    /// <summary>The compressed data is damaged.</summary>
    CorruptCompression,
    /// <summary>The data expands far more than any log does (a gzip bomb): reading stopped.</summary>
    CompressionRatioExceeded,
    /// <summary>A record is not valid JSON.</summary>
    InvalidRecord,
    /// <summary>Valid JSON, but not a record of the expected log (JSON of another shape).</summary>
    UnexpectedShape,
    /// <summary>A share record lacks the fields that say what was shared.</summary>
    IncompleteRecord,
    /// <summary>A record larger than the configured limit.</summary>
    OversizedRecord,
    /// <summary>More problems in a file than are reported one by one.</summary>
    MoreIssues,
    /// <summary>A live source's request failed after its retries (throttling, a server error, access denied): what was read before is kept, the rest of that source is missing.</summary>
    SourceFailed,
    /// <summary>A live source cannot serve all of the time window asked for (the Activity Log keeps 90 days): the part it can serve is read.</summary>
    SourceLimited,
}
