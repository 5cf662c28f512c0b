namespace TransferDetect.Engine.Hosting;

/// <summary>A snapshot of a running scan, for a progress bar.</summary>
public readonly struct ScanProgress
{
    public ScanProgress(string currentFile, long filesRead, long recordsRead, long bytesRead)
    {
        CurrentFile = currentFile;
        FilesRead = filesRead;
        RecordsRead = recordsRead;
        BytesRead = bytesRead;
    }

    public string CurrentFile { get; }
    public long FilesRead { get; }
    public long RecordsRead { get; }
    public long BytesRead { get; }
}
