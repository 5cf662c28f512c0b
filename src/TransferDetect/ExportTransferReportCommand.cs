using System;
using System.IO;
using System.Management.Automation;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;

namespace TransferDetect.Commands;

/// <summary>Writes findings to a report file, streaming: JSON lines with the finding record's field names.</summary>
[Cmdlet(VerbsData.Export, "TransferReport", SupportsShouldProcess = true)]
[OutputType(typeof(Finding))]
public sealed class ExportTransferReportCommand : PSCmdlet, IDisposable
{
    private JsonLinesReportWriter? _writer;
    private string? _resolved;

    /// <summary>The report file.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Findings from Find-ExternalShare.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public Finding[] InputObject { get; set; } = Array.Empty<Finding>();

    /// <summary>The report format: JsonLines, the only one for now and the default.</summary>
    [Parameter]
    [ValidateSet("JsonLines")]
    public string? Format { get; set; }

    /// <summary>Add to the end of an existing report instead of replacing it.</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>Fail rather than replace an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Also pass the findings down the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        string format = Format ?? "JsonLines";
        if (format != "JsonLines")
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"The format {format} is not supported."), "TransferDetect.UnsupportedFormat", ErrorCategory.InvalidArgument, format));
        }
        if (NoClobber && !Append && File.Exists(_resolved))
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"The file {_resolved} already exists and -NoClobber was given."),
                "TransferDetect.ReportExists", ErrorCategory.ResourceExists, _resolved));
        }
        if (!ShouldProcess(_resolved, "Write a findings report")) return;
        try
        {
            var stream = new FileStream(_resolved, Append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
            _writer = new JsonLinesReportWriter(stream);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.ReportUnwritable", ErrorCategory.WriteError, _resolved));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var f in InputObject)
        {
            if (f == null) continue;
            _writer?.Write(f);
            if (PassThru) WriteObject(f);
        }
    }

    protected override void EndProcessing()
    {
        if (_writer == null) return;
        long n = _writer.Written;
        Dispose();
        WriteVerbose($"Wrote {n} finding(s) to {_resolved}.");
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
