using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using TransferDetect.Engine.IO;

namespace TransferDetect.Engine.Integrity;

/// <summary>One log file a digest lists.</summary>
internal readonly struct DigestLogFile
{
    public DigestLogFile(string? bucket, string? s3Object, string? hashValue, string? hashAlgorithm)
    {
        Bucket = bucket;
        S3Object = s3Object;
        HashValue = hashValue;
        HashAlgorithm = hashAlgorithm;
    }

    public string? Bucket { get; }
    public string? S3Object { get; }
    public string? HashValue { get; }
    public string? HashAlgorithm { get; }
}

/// <summary>
/// The fields of a digest file that validation uses, and the SHA-256 of its uncompressed bytes
/// (what the next digest's previousDigestHashValue and the data-signing string hold).
/// </summary>
internal sealed class DigestDocument
{
    /// <summary>Digests are small (one hour of file names and hashes); anything bigger is not one.</summary>
    public const int MaxDigestBytes = 64 << 20;

    private DigestDocument() { }

    public string Hash { get; private set; } = "";
    public string? AwsAccountId { get; private set; }
    public string? DigestStartTimeText { get; private set; }
    public string? DigestEndTimeText { get; private set; }
    public DateTime? StartTime { get; private set; }
    public DateTime? EndTime { get; private set; }
    public string? S3Bucket { get; private set; }
    public string? S3Object { get; private set; }
    public string? PublicKeyFingerprint { get; private set; }
    public string? SignatureAlgorithm { get; private set; }
    public string? PreviousS3Bucket { get; private set; }
    public string? PreviousS3Object { get; private set; }
    public string? PreviousHashValue { get; private set; }
    public string? PreviousHashAlgorithm { get; private set; }
    public string? PreviousSignature { get; private set; }
    public int LogFileCount { get; private set; }

    /// <summary>Reads a digest; with <paramref name="logFiles"/> also collects the log files it lists.</summary>
    /// <exception cref="InvalidDataException">Not a digest: not JSON, or a required field is missing.</exception>
    /// <exception cref="IOException">The file cannot be read (truncated gzip: <see cref="InputFormatException"/>).</exception>
    public static DigestDocument Read(string path, List<DigestLogFile>? logFiles = null)
    {
        byte[] bytes = ReadAll(path);
        var doc = new DigestDocument();
        using (var sha = SHA256.Create()) doc.Hash = Hex.Encode(sha.ComputeHash(bytes));
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the digest is not valid JSON ({e.Message})");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the digest is not a JSON object");
            doc.AwsAccountId = Text(root, "awsAccountId");
            doc.DigestStartTimeText = Text(root, "digestStartTime");
            doc.DigestEndTimeText = Text(root, "digestEndTime");
            doc.S3Bucket = Text(root, "digestS3Bucket");
            doc.S3Object = Text(root, "digestS3Object");
            doc.PublicKeyFingerprint = Text(root, "digestPublicKeyFingerprint");
            doc.SignatureAlgorithm = Text(root, "digestSignatureAlgorithm");
            doc.PreviousS3Bucket = Text(root, "previousDigestS3Bucket");
            doc.PreviousS3Object = Text(root, "previousDigestS3Object");
            doc.PreviousHashValue = Text(root, "previousDigestHashValue");
            doc.PreviousHashAlgorithm = Text(root, "previousDigestHashAlgorithm");
            doc.PreviousSignature = Text(root, "previousDigestSignature");
            foreach (var (name, value) in new[] { ("digestStartTime", doc.DigestStartTimeText), ("digestEndTime", doc.DigestEndTimeText),
                ("digestS3Bucket", doc.S3Bucket), ("digestS3Object", doc.S3Object) })
            {
                if (string.IsNullOrEmpty(value)) throw new InvalidDataException($"the digest has no {name}");
            }
            doc.StartTime = ParseTime(doc.DigestStartTimeText!, "digestStartTime");
            doc.EndTime = ParseTime(doc.DigestEndTimeText!, "digestEndTime");
            if (root.TryGetProperty("logFiles", out var files))
            {
                if (files.ValueKind != JsonValueKind.Array) throw new InvalidDataException("the digest's logFiles is not an array");
                foreach (var f in files.EnumerateArray())
                {
                    doc.LogFileCount++;
                    if (logFiles == null) continue;
                    logFiles.Add(f.ValueKind == JsonValueKind.Object
                        ? new DigestLogFile(Text(f, "s3Bucket"), Text(f, "s3Object"), Text(f, "hashValue"), Text(f, "hashAlgorithm"))
                        : default);
                }
            }
        }
        return doc;
    }

    private static byte[] ReadAll(string path)
    {
        using var stream = LogFileOpener.Open(path);
        using var ms = new MemoryStream();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (ms.Length + n > MaxDigestBytes) throw new InvalidDataException($"the file is over {MaxDigestBytes >> 20} MiB uncompressed: not a digest");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTime ParseTime(string text, string name)
    {
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) return t;
        if (DateTime.TryParseExact(text, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out t)) return t;
        throw new InvalidDataException($"the digest's {name} '{text}' is not a time");
    }
}
