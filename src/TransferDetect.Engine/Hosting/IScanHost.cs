namespace TransferDetect.Engine.Hosting;

/// <summary>
/// How the engine talks to whoever drives it (a cmdlet, a test, a benchmark). Calls arrive on the
/// thread that enumerates the engine's results.
/// </summary>
public interface IScanHost
{
    /// <summary>A problem with an input; reading continues.</summary>
    void ReportIssue(ReadIssue issue);

    /// <summary>What is being read, how much was skipped (PowerShell's -Verbose).</summary>
    void Verbose(string message);

    /// <summary>Progress through a long read.</summary>
    void Progress(ScanProgress progress);
}

/// <summary>An <see cref="IScanHost"/> that collects issues and ignores the rest (tests, benchmarks).</summary>
public sealed class CollectingScanHost : IScanHost
{
    public System.Collections.Generic.List<ReadIssue> Issues { get; } = new();
    public System.Collections.Generic.List<string> VerboseMessages { get; } = new();

    public void ReportIssue(ReadIssue issue) => Issues.Add(issue);
    public void Verbose(string message) => VerboseMessages.Add(message);
    public void Progress(ScanProgress progress) { }
}
