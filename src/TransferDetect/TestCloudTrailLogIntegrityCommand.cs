using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using TransferDetect.Engine.Integrity;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// Checks a copy of CloudTrail's S3 delivery against its digest files: each log file's SHA-256, the
/// chain of digests and, with the public keys, each digest's signature. One result per log file and
/// per digest.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CloudTrailLogIntegrity", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CloudTrailIntegrityResult))]
public sealed class TestCloudTrailLogIntegrityCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _cancel = new();
    private CloudTrailDigestValidator? _validator;
    private CmdletScanHost? _host;
    private bool _keysGiven;

    /// <summary>Folders (a bucket copy, AWSLogs, an account or region folder) or files; wildcards allowed.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Folders or files, taken as written.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Public key files: aws cloudtrail list-public-keys output, PEM, DER or base64.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? PublicKeyPath { get; set; }

    /// <summary>Only digests that end at or after this time, and log files delivered from then.</summary>
    [Parameter]
    public DateTime StartTime { get; set; }

    /// <summary>Only digests that end before this time (or within the hour after it), and log files delivered until then.</summary>
    [Parameter]
    public DateTime EndTime { get; set; }

    protected override void BeginProcessing()
    {
        TimeWindow window;
        try
        {
            window = new TimeWindow(
                MyInvocation.BoundParameters.ContainsKey(nameof(StartTime)) ? StartTime : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(EndTime)) ? EndTime : null);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidTimeWindow", ErrorCategory.InvalidArgument, null));
            return;
        }

        var keys = new List<CloudTrailPublicKey>();
        if (PublicKeyPath != null)
        {
            foreach (var file in PathResolver.Resolve(this, PublicKeyPath, literal: false))
            {
                try
                {
                    keys.AddRange(CloudTrailPublicKey.Load(file));
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                {
                    // A key that cannot be read must not quietly turn every signature into "not checked".
                    ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidPublicKey", ErrorCategory.InvalidData, file));
                    return;
                }
            }
            if (keys.Count == 0)
            {
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException("No public key file was found at -PublicKeyPath."),
                    "TransferDetect.InvalidPublicKey", ErrorCategory.ObjectNotFound, PublicKeyPath));
                return;
            }
            _keysGiven = true;
            foreach (var k in keys) WriteVerbose($"Public key {k.Fingerprint} (RSA {k.KeySize}) from {k.Source}.");
        }

        _host = new CmdletScanHost(this, "Checking CloudTrail log files against their digests");
        _validator = new CloudTrailDigestValidator(_host, new CloudTrailIntegrityOptions { Window = window, PublicKeys = keys });
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        var paths = PathResolver.Resolve(this, literal ? LiteralPath : Path, literal);
        try
        {
            foreach (var r in _validator!.Validate(paths, _cancel.Token))
            {
                WriteObject(r);
            }
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // Ctrl+C: StopProcessing cancelled the check; PowerShell ends the pipeline.
        }
    }

    protected override void EndProcessing()
    {
        _host?.Complete();
        if (_validator == null) return;
        var s = _validator.Statistics;
        WriteVerbose(s.Summary());
        if (s.Digests == 0)
        {
            WriteWarning("No CloudTrail digest file was found: nothing could be checked. Digests are delivered to AWSLogs/<account>/CloudTrail-Digest/<region>/ when the trail has log file validation on.");
        }
        foreach (var folder in s.FoldersWithoutDigests)
        {
            WriteWarning($"{folder} has log files but no digests: its log files cannot be checked.");
        }
        if (s.IntegrityFailures > 0)
        {
            WriteWarning($"{s.IntegrityFailures} log file(s) or digest(s) fail the integrity check (Modified, Missing, NotInDigest, Unreadable, ChainBroken, Moved, InvalidSignature or KeyNotFound): {s.Summary()}");
        }
        if (!_keysGiven && s.Digests > 0)
        {
            WriteVerbose("Digest signatures were not checked: give the trail's public keys with -PublicKeyPath (the output of 'aws cloudtrail list-public-keys').");
        }
    }

    protected override void StopProcessing() => _cancel.Cancel();
}
