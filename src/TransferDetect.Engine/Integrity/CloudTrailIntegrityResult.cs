using System;

namespace TransferDetect.Engine.Integrity;

/// <summary>
/// The integrity verdict on one CloudTrail log file or one digest file: what it is, where it is
/// (on disk and in S3), what was found and why.
/// </summary>
public sealed class CloudTrailIntegrityResult
{
    internal CloudTrailIntegrityResult(IntegrityItemKind kind, IntegrityStatus status, string path, string? s3Key, string reason,
        string account, string region, string? trail, DateTime? digestTime)
    {
        Kind = kind;
        Status = status;
        Path = path;
        S3Key = s3Key;
        Reason = reason;
        Account = account;
        Region = region;
        Trail = trail;
        DigestTime = digestTime;
    }

    public IntegrityStatus Status { get; }
    public IntegrityItemKind Kind { get; }

    /// <summary>The file on disk (for a Missing file: where it should be).</summary>
    public string Path { get; }

    /// <summary>The file's S3 object key, as the digest records it (or as it would be, for a file no digest lists).</summary>
    public string? S3Key { get; }

    /// <summary>One sentence on what was found.</summary>
    public string Reason { get; }

    public string Account { get; }
    public string Region { get; }

    /// <summary>The trail whose digest this is, or whose digest lists this log file (null for a file no digest lists).</summary>
    public string? Trail { get; }

    /// <summary>The end time (UTC) of the digest: the digest itself, or the digest that lists this log file.</summary>
    public DateTime? DigestTime { get; }

    /// <summary>For a log file: the delivery time (UTC) in its file name, when it has one.</summary>
    public DateTime? FileTime { get; internal set; }

    /// <summary>For a log file or a digest listed elsewhere: the digest file that lists it.</summary>
    public string? DigestPath { get; internal set; }

    /// <summary>The SHA-256 (hex) the digest records for this file (for a digest: none).</summary>
    public string? ExpectedHash { get; internal set; }

    /// <summary>The SHA-256 (hex) of the file's uncompressed content as read now.</summary>
    public string? ActualHash { get; internal set; }

    /// <summary>For a digest: the link to the previous digest.</summary>
    public DigestChainStatus? ChainStatus { get; internal set; }

    /// <summary>For a digest: its signature.</summary>
    public DigestSignatureStatus? SignatureStatus { get; internal set; }

    /// <summary>For a digest: the fingerprint of the public key it was signed with.</summary>
    public string? PublicKeyFingerprint { get; internal set; }

    /// <summary>The file name, the last part of <see cref="Path"/>.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    public bool IsValid => Status == IntegrityStatus.Valid;

    public override string ToString() => $"{Status} {Kind} {Path}: {Reason}";
}
