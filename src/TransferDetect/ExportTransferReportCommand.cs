using System;
using System.IO;
using System.Management.Automation;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Reports;

namespace TransferDetect.Commands;

/// <summary>
/// Writes findings and incidents to a report file: JSON lines and CSV stream as they arrive; HTML is
/// assembled when the pipeline ends (table rows spooled to temporary files meanwhile).
/// </summary>
[Cmdlet(VerbsData.Export, "TransferReport", SupportsShouldProcess = true)]
[OutputType(typeof(Finding), typeof(TransferIncident))]
public sealed class ExportTransferReportCommand : PSCmdlet, IDisposable
{
    private ITransferReportWriter? _writer;
    private FileStream? _stream;
    private string? _resolved;
    // A reference type on purpose: PowerShell loads every public type of this assembly (GetExportedTypes) before
    // the module's initializer runs, and a field of an engine enum or struct would need the engine then (see
    // ModuleLoadContext.cs). Boxed, the field's type is object and the engine loads later, inside its context.
    private object _formatBox = default(ReportFormat);
    private ReportFormat _format { get => (ReportFormat)_formatBox; set => _formatBox = value; }

    /// <summary>The report file.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Findings (Find-ExternalShare) and incidents (Get-TransferIncident).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    [AllowNull]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>JsonLines, Csv or Html; from the file's extension when omitted (JsonLines for any other).</summary>
    [Parameter]
    [ValidateSet("JsonLines", "Csv", "Html")]
    public string? Format { get; set; }

    /// <summary>Add to the end of an existing report instead of replacing it (JsonLines and Csv).</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>Fail rather than replace an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Also pass the findings and incidents down the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        _format = Format != null
            ? (ReportFormat)Enum.Parse(typeof(ReportFormat), Format, ignoreCase: true)
            : ReportFormats.FromPath(_resolved) ?? ReportFormat.JsonLines;
        if (Append && _format == ReportFormat.Html)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("-Append cannot add to an HTML report: it is one page, written whole. Write a new file, or use -Format Csv or JsonLines to add to a report."),
                "TransferDetect.AppendNotSupported", ErrorCategory.InvalidArgument, _resolved));
        }
        if (NoClobber && !Append && File.Exists(_resolved))
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException($"The file {_resolved} already exists and -NoClobber was given."),
                "TransferDetect.ReportExists", ErrorCategory.ResourceExists, _resolved));
        }
        if (!ShouldProcess(_resolved, $"Write a {_format} transfer report")) return;
        try
        {
            _stream = new FileStream(_resolved, Append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
            _writer = _format switch
            {
                ReportFormat.Csv => new CsvReportWriter(_stream, writeHeader: _stream.Length == 0),
                ReportFormat.Html => new HtmlReportWriter(_stream),
                _ => new JsonLinesReportWriter(_stream),
            };
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            Dispose();
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.ReportUnwritable", ErrorCategory.WriteError, _resolved));
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        foreach (var item in InputObject)
        {
            object? value = item?.BaseObject;
            switch (value)
            {
                case null:
                    continue;
                case Finding f:
                    _writer?.Write(f);
                    break;
                case TransferIncident incident:
                    _writer?.Write(incident);
                    break;
                default:
                    var error = new ErrorRecord(
                        new PSArgumentException($"Export-TransferReport takes Finding and TransferIncident objects, not {value.GetType().FullName}; the object was not written."),
                        "TransferDetect.UnsupportedInput", ErrorCategory.InvalidType, item);
                    WriteError(error);
                    continue;
            }
            if (PassThru) WriteObject(item);
        }
    }

    protected override void EndProcessing()
    {
        if (_writer == null) return;
        try
        {
            _writer.Complete();
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            Dispose();
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.ReportUnwritable", ErrorCategory.WriteError, _resolved));
        }
        long findings = _writer.Written, incidents = _writer.IncidentsWritten;
        Dispose();
        WriteVerbose($"Wrote {findings} finding(s) and {incidents} incident(s) to {_resolved} ({_format}).");
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _stream?.Dispose();
        _stream = null;
    }
}
