using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Engine.Integrity;

/// <summary>
/// Checks a copy of a CloudTrail S3 delivery tree against its digest files, offline, the way
/// CloudTrail documents log file integrity validation:
/// <list type="bullet">
/// <item>every log file a digest lists is on disk and the SHA-256 of its uncompressed content is the
/// digest's hashValue (Valid, Modified, Missing, Unreadable);</item>
/// <item>log files on disk that no digest lists are reported (NotInDigest inside the period the digests
/// cover, NotCovered outside it);</item>
/// <item>each digest's previousDigestHashValue is the SHA-256 of the uncompressed previous digest, which
/// must be on disk (the chain);</item>
/// <item>with public keys, each digest's SHA256withRSA signature over
/// <c>digestEndTime \n digestS3Bucket/digestS3Object \n hex SHA-256 of the digest \n previousDigestSignature</c>
/// verifies with the key its digestPublicKeyFingerprint names.</item>
/// </list>
/// CloudTrail keeps a digest's signature in S3 object metadata (x-amz-meta-signature), not in the file,
/// so offline the signature of a digest is taken from the next digest's previousDigestSignature; for
/// the newest digest (which no digest follows) from a sidecar file <c>&lt;digest file&gt;.signature</c>
/// holding the hex signature or the JSON of <c>aws s3api head-object</c> (its Metadata.signature).
/// Work is per account and region folder, digests in time order from their names; log files are hashed
/// as a stream (never held in memory), through the gzip check that detects truncated files.
/// </summary>
public sealed class CloudTrailDigestValidator
{
    /// <summary>The sidecar file beside a digest that holds its signature (x-amz-meta-signature).</summary>
    public const string SignatureSuffix = ".signature";

    private const string DigestFolder = "CloudTrail-Digest";
    private const string LogFolder = "CloudTrail";
    private static readonly TimeSpan SpillOver = TimeSpan.FromHours(1);

    private readonly IScanHost _host;
    private readonly CloudTrailIntegrityOptions _options;
    private readonly Dictionary<string, CloudTrailPublicKey> _keys = new(StringComparer.OrdinalIgnoreCase);
    private long _filesRead;

    public CloudTrailDigestValidator(IScanHost host, CloudTrailIntegrityOptions? options = null)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? new CloudTrailIntegrityOptions();
        foreach (var k in _options.PublicKeys) _keys[k.Fingerprint] = k;
    }

    public CloudTrailIntegrityStatistics Statistics { get; } = new();

    /// <summary>
    /// Validates the trees, folders or files given: a copy of a bucket, its AWSLogs folder, an account or
    /// organization folder, a CloudTrail or CloudTrail-Digest folder or a region below one (a file selects
    /// its account and region). Results stream per account and region: each digest, then the log files it
    /// lists, then the log files on disk no digest lists.
    /// </summary>
    public IEnumerable<CloudTrailIntegrityResult> Validate(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        foreach (var group in FindGroups(paths, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Statistics.Groups++;
            foreach (var r in ValidateGroup(group, cancellationToken))
            {
                Statistics.Count(r);
                yield return r;
            }
        }
    }

    // ---------------------------------------------------------------- finding account/region folders

    private sealed class Group
    {
        public Group(string accountDir, string region)
        {
            AccountDir = accountDir;
            Region = region;
            Account = Path.GetFileName(accountDir);
        }

        public string AccountDir { get; }
        public string Account { get; }
        public string Region { get; }
        public string DigestDir => Path.Combine(AccountDir, DigestFolder, Region);
        public string LogDir => Path.Combine(AccountDir, LogFolder, Region);
        public override string ToString() => $"{Account}/{Region}";
    }

    private IEnumerable<Group> FindGroups(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var found = new SortedDictionary<string, Group>(StringComparer.Ordinal);
        void Add(string accountDir, string region)
        {
            var g = new Group(accountDir, region);
            found[g.AccountDir + "\n" + region] = g;
        }
        void AddAccount(string accountDir)
        {
            foreach (var folder in new[] { DigestFolder, LogFolder })
            {
                string dir = Path.Combine(accountDir, folder);
                if (!Directory.Exists(dir)) continue;
                foreach (var region in Directory.GetDirectories(dir)) Add(accountDir, Path.GetFileName(region));
            }
        }

        foreach (var given in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string full = Path.GetFullPath(given).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            bool isFile = File.Exists(full), isDir = Directory.Exists(full);
            if (!isFile && !isDir)
            {
                _host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, given, "no such file or folder"));
                continue;
            }
            string name = Path.GetFileName(full);
            if (isDir && (name == DigestFolder || name == LogFolder))
            {
                AddAccount(Path.GetDirectoryName(full)!);
                continue;
            }
            // Inside a CloudTrail or CloudTrail-Digest folder: its account and region.
            string child = full;
            string? dir = Path.GetDirectoryName(full);
            bool placed = false;
            while (dir != null)
            {
                string dirName = Path.GetFileName(dir);
                if (dirName == DigestFolder || dirName == LogFolder)
                {
                    Add(Path.GetDirectoryName(dir)!, Path.GetFileName(child));
                    placed = true;
                    break;
                }
                child = dir;
                dir = Path.GetDirectoryName(dir);
            }
            if (placed) continue;
            if (isFile)
            {
                _host.ReportIssue(new ReadIssue(ReadIssueKind.UnexpectedShape, given,
                    "the file is not in a CloudTrail or CloudTrail-Digest folder of an AWSLogs tree, so it has no digest to be checked against"));
                continue;
            }
            // A folder above the account folders: walk down to them (not into CloudTrail folders, not through links).
            var pending = new Stack<string>();
            pending.Push(full);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string d = pending.Pop();
                if (Directory.Exists(Path.Combine(d, DigestFolder)) || Directory.Exists(Path.Combine(d, LogFolder)))
                {
                    AddAccount(d);
                    continue;
                }
                string[] subdirs;
                try
                {
                    subdirs = Directory.GetDirectories(d);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    _host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, d, "the folder cannot be listed: " + e.Message));
                    continue;
                }
                Array.Sort(subdirs, StringComparer.Ordinal);
                for (int i = subdirs.Length - 1; i >= 0; i--)
                {
                    if ((File.GetAttributes(subdirs[i]) & FileAttributes.ReparsePoint) != 0) continue;
                    pending.Push(subdirs[i]);
                }
            }
        }
        if (found.Count == 0)
        {
            _host.Verbose("No CloudTrail or CloudTrail-Digest folder (AWSLogs/<account>/CloudTrail-Digest/<region>/...) was found in the paths given.");
        }
        return found.Values;
    }

    // ---------------------------------------------------------------- one account and region

    private sealed class DigestEntry
    {
        public DigestEntry(string path, string relative, DigestFileName name)
        {
            Path = path;
            Relative = relative;
            Name = name;
        }

        public string Path { get; }
        /// <summary>The path below the account folder, with '/' (the S3 key after "&lt;account&gt;/").</summary>
        public string Relative { get; }
        public DigestFileName Name { get; }
        public DigestDocument? Document { get; set; }
        public string? Error { get; set; }
        public bool Loaded { get; set; }
        public bool Selected { get; set; }
    }

    private IEnumerable<CloudTrailIntegrityResult> ValidateGroup(Group group, CancellationToken cancellationToken)
    {
        var window = _options.Window;
        var digests = new List<DigestEntry>();
        var byRelative = new Dictionary<string, DigestEntry>(StringComparer.Ordinal);

        // 1. Every digest's name (cheap): the chain needs to know what exists outside the window too.
        foreach (var file in FilesBelow(group.DigestDir, null, cancellationToken))
        {
            string fileName = Path.GetFileName(file);
            if (fileName.EndsWith(SignatureSuffix, StringComparison.OrdinalIgnoreCase)) continue;
            var name = DigestFileName.TryParse(fileName);
            string relative = Relative(group.AccountDir, file);
            if (name == null)
            {
                var bad = new CloudTrailIntegrityResult(IntegrityItemKind.Digest, IntegrityStatus.Unreadable, file, null,
                    "the file in the digest folder is not named like a CloudTrail digest (<account>_CloudTrail-Digest_<region>_<trail>_<region>_<yyyyMMddTHHmmssZ>.json.gz)",
                    group.Account, group.Region, null, null);
                _host.ReportIssue(new ReadIssue(ReadIssueKind.UnexpectedShape, file, bad.Reason));
                yield return bad;
                continue;
            }
            var entry = new DigestEntry(file, relative, name);
            digests.Add(entry);
            byRelative[relative] = entry;
        }
        digests.Sort((a, b) =>
        {
            int c = a.Name.EndTime.CompareTo(b.Name.EndTime);
            if (c == 0) c = a.Name.IsBackfill.CompareTo(b.Name.IsBackfill);
            return c != 0 ? c : string.CompareOrdinal(a.Path, b.Path);
        });
        foreach (var d in digests)
        {
            d.Selected = (!window.Start.HasValue || d.Name.EndTime >= window.Start.Value) &&
                         (!window.End.HasValue || d.Name.EndTime <= window.End.Value + SpillOver);
        }

        // Signatures: the digest that names a digest as its previous carries that digest's signature.
        var nextOf = new Dictionary<string, DigestEntry>(StringComparer.Ordinal);
        var chained = digests.Where(d => !d.Name.IsBackfill).ToList();
        for (int i = 0; i < chained.Count; i++)
        {
            if (!chained[i].Selected) continue;
            // The next digest on disk (usually the one that names this one as its previous).
            if (i + 1 < chained.Count) LoadHeader(chained[i + 1], cancellationToken);
        }
        foreach (var d in digests)
        {
            if (d.Selected) LoadHeader(d, cancellationToken);
        }
        foreach (var d in digests)
        {
            if (d.Document?.PreviousS3Object is string prev && RelativeToAccount(prev, group.Account) is string rel)
            {
                nextOf[rel] = d;
            }
        }

        // The period the readable selected digests cover, merged where they abut.
        var spans = new List<(DateTime Start, DateTime End)>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var missingDigests = new HashSet<string>(StringComparer.Ordinal);
        int selectedCount = 0;

        // 2. Each selected digest, in time order: its chain link and signature, then its log files.
        foreach (var d in digests)
        {
            if (!d.Selected) continue;
            cancellationToken.ThrowIfCancellationRequested();
            selectedCount++;
            var digestResult = CheckDigest(group, d, digests, byRelative, nextOf, out string? missingPrevious);
            yield return digestResult;
            if (missingPrevious != null && missingDigests.Add(missingPrevious))
            {
                string key = missingPrevious;
                var missing = new CloudTrailIntegrityResult(IntegrityItemKind.Digest, IntegrityStatus.Missing,
                    LocalPath(group, RelativeToAccount(key, group.Account)!), key,
                    $"the digest is missing: {d.Name.Trail}'s digest {Path.GetFileName(d.Path)} names it as its previous digest, and older digests of the trail are present",
                    group.Account, group.Region, d.Name.Trail, null)
                { DigestPath = d.Path };
                yield return missing;
            }
            if (d.Document == null) continue;
            Statistics.Covered(d.Document.StartTime!.Value, d.Document.EndTime!.Value);
            spans.Add((d.Document.StartTime!.Value, d.Document.EndTime!.Value));

            var files = new List<DigestLogFile>();
            string? rereadError = null;
            try
            {
                var again = DigestDocument.Read(d.Path, files);
                if (again.Hash != d.Document.Hash) rereadError = "the digest changed while it was being checked";
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                rereadError = "the digest could not be read again to check its log files: " + e.Message;
            }
            if (rereadError != null)
            {
                yield return Unreadable(group, IntegrityItemKind.Digest, d.Path, d.Document.S3Object, rereadError, d);
                continue;
            }
            foreach (var f in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var r = CheckListedLogFile(group, d, f, listed, cancellationToken);
                if (r != null) yield return r;
            }
        }

        // 3. Log files on disk that no digest lists.
        var covered = Merge(spans);
        bool anyLogs = false;
        foreach (var file in FilesBelow(group.LogDir, window, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            anyLogs = true;
            string relative = Relative(group.AccountDir, file);
            if (listed.Contains(relative)) continue;
            if (!InputFiles.IsLogFileName(file)) continue;
            var time = LogFileName.DeliveryTime(Path.GetFileName(file));
            if (time is DateTime t && !window.IsUnbounded && !window.Contains(t)) continue;
            if (digests.Count == 0) continue; // reported once below
            string? s3Key = S3KeyFor(group, digests, relative);
            CloudTrailIntegrityResult r;
            if (time is DateTime delivered && IsCovered(covered, delivered))
            {
                r = new CloudTrailIntegrityResult(IntegrityItemKind.LogFile, IntegrityStatus.NotInDigest, file, s3Key,
                    $"no digest lists this log file, though the digests cover its delivery time ({delivered:yyyy-MM-dd HH:mm} UTC): it was added or renamed after delivery",
                    group.Account, group.Region, null, null) { FileTime = delivered };
            }
            else if (time == null && covered.Count > 0)
            {
                r = new CloudTrailIntegrityResult(IntegrityItemKind.LogFile, IntegrityStatus.NotInDigest, file, s3Key,
                    "no digest lists this file, and its name is not a CloudTrail log file name (<account>_CloudTrail_<region>_<yyyyMMddTHHmmZ>_<id>.json.gz): it was added after delivery",
                    group.Account, group.Region, null, null);
            }
            else
            {
                r = new CloudTrailIntegrityResult(IntegrityItemKind.LogFile, IntegrityStatus.NotCovered, file, s3Key,
                    covered.Count == 0
                        ? "no digest of the period checked could list this log file (no readable digest here): it cannot be checked"
                        : $"delivered at {time:yyyy-MM-dd HH:mm} UTC, outside the periods the digests here cover ({Describe(covered)}): it cannot be checked",
                    group.Account, group.Region, null, null) { FileTime = time };
            }
            yield return r;
        }
        if (digests.Count == 0 && anyLogs)
        {
            Statistics.FoldersWithoutDigests.Add(group.LogDir);
            _host.Verbose($"{group.LogDir} has log files but no digest folder ({group.DigestDir}): its log files cannot be checked (log file validation was off, or the digests were not copied).");
        }
        _host.Verbose($"{group}: {selectedCount} digest(s) checked, {listed.Count} log file(s) listed in them.");
    }

    // ---------------------------------------------------------------- digests

    private void LoadHeader(DigestEntry d, CancellationToken cancellationToken)
    {
        if (d.Loaded) return;
        cancellationToken.ThrowIfCancellationRequested();
        d.Loaded = true;
        try
        {
            d.Document = DigestDocument.Read(d.Path);
        }
        catch (InputFormatException e)
        {
            d.Error = e.Message;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
        {
            d.Error = e.Message;
        }
        Progress(d.Path);
    }

    private CloudTrailIntegrityResult CheckDigest(Group group, DigestEntry d, List<DigestEntry> all,
        Dictionary<string, DigestEntry> byRelative, Dictionary<string, DigestEntry> nextOf, out string? missingPrevious)
    {
        missingPrevious = null;
        if (d.Document == null)
        {
            var bad = Unreadable(group, IntegrityItemKind.Digest, d.Path, null, "the digest cannot be read: " + d.Error, d);
            return bad;
        }
        var doc = d.Document;
        var reasons = new List<string>();

        // Where it is: a digest records its own S3 key.
        bool moved = RelativeToAccount(doc.S3Object!, group.Account) != d.Relative;
        if (moved) reasons.Add($"it records that it was delivered as s3://{doc.S3Bucket}/{doc.S3Object}, not at this path: it was moved or renamed");

        // The chain.
        DigestChainStatus chain;
        bool olderOnDisk = all.Any(o => !o.Name.IsBackfill && o.Name.EndTime < d.Name.EndTime);
        if (string.IsNullOrEmpty(doc.PreviousS3Object) && string.IsNullOrEmpty(doc.PreviousHashValue))
        {
            chain = DigestChainStatus.ChainStart;
            var before = all.LastOrDefault(o => !o.Name.IsBackfill && o.Name.EndTime < d.Name.EndTime);
            reasons.Add(d.Name.IsBackfill
                ? "it is a backfill digest, outside the hourly chain (it lists log files the hourly digests missed)"
                : before == null
                ? "it starts a chain (its previous-digest fields are null: log file validation or logging started here)"
                : $"it starts a new chain (its previous-digest fields are null): log file validation or logging was off between {before.Name.EndTime:yyyy-MM-dd HH:mm:ss} and {doc.StartTime:yyyy-MM-dd HH:mm:ss} UTC, and log files of that time are not covered");
        }
        else
        {
            string? prevRelative = doc.PreviousS3Object == null ? null : RelativeToAccount(doc.PreviousS3Object, group.Account);
            if (prevRelative == null || !byRelative.TryGetValue(prevRelative, out var prev))
            {
                if (olderOnDisk && prevRelative != null)
                {
                    chain = DigestChainStatus.ChainBroken;
                    missingPrevious = doc.PreviousS3Object;
                    reasons.Add($"its previous digest {doc.PreviousS3Object} is missing, though older digests of the trail are present");
                }
                else
                {
                    chain = DigestChainStatus.NotChecked;
                    reasons.Add($"its previous digest {doc.PreviousS3Object} is not among the files given (the oldest digest here), so the link was not checked");
                }
            }
            else
            {
                LoadHeader(prev, CancellationToken.None);
                if (prev.Document == null)
                {
                    chain = DigestChainStatus.ChainBroken;
                    reasons.Add($"its previous digest {Path.GetFileName(prev.Path)} cannot be read ({prev.Error})");
                }
                else if (!string.Equals(doc.PreviousHashAlgorithm ?? "SHA-256", "SHA-256", StringComparison.OrdinalIgnoreCase))
                {
                    chain = DigestChainStatus.NotChecked;
                    reasons.Add($"its previousDigestHashAlgorithm '{doc.PreviousHashAlgorithm}' is not SHA-256, so the link was not checked");
                }
                else if (!string.Equals(prev.Document.Hash, doc.PreviousHashValue, StringComparison.OrdinalIgnoreCase))
                {
                    chain = DigestChainStatus.ChainBroken;
                    reasons.Add($"its previous digest {Path.GetFileName(prev.Path)} was changed after this digest was written: its SHA-256 is {prev.Document.Hash}, this digest records {doc.PreviousHashValue}");
                }
                else
                {
                    chain = DigestChainStatus.Valid;
                    reasons.Add($"its link to the previous digest {Path.GetFileName(prev.Path)} checks out");
                    if (prev.Document.EndTime != doc.StartTime)
                    {
                        // The hash link is what CloudTrail signed; a gap in the times is worth knowing, not a break.
                        reasons.Add($"note that the previous digest ends at {prev.Document.EndTime:yyyy-MM-dd HH:mm:ss} UTC and this one starts at {doc.StartTime:yyyy-MM-dd HH:mm:ss} UTC");
                    }
                }
            }
        }

        // The signature.
        var signature = CheckSignature(d, doc, nextOf, out string signatureReason);
        reasons.Add(signatureReason);

        IntegrityStatus status =
            moved ? IntegrityStatus.Moved :
            chain == DigestChainStatus.ChainBroken ? IntegrityStatus.ChainBroken :
            signature == DigestSignatureStatus.Invalid ? IntegrityStatus.InvalidSignature :
            signature == DigestSignatureStatus.KeyNotFound ? IntegrityStatus.KeyNotFound :
            signature == DigestSignatureStatus.NotChecked ? IntegrityStatus.SignatureNotChecked :
            IntegrityStatus.Valid;
        string summary = $"Digest of {doc.StartTime:yyyy-MM-dd HH:mm:ss} to {doc.EndTime:yyyy-MM-dd HH:mm:ss} UTC listing {doc.LogFileCount} log file(s): ";
        return new CloudTrailIntegrityResult(IntegrityItemKind.Digest, status, d.Path, doc.S3Object, summary + string.Join("; ", reasons) + ".",
            group.Account, group.Region, d.Name.Trail, doc.EndTime)
        {
            ActualHash = doc.Hash,
            ChainStatus = chain,
            SignatureStatus = signature,
            PublicKeyFingerprint = doc.PublicKeyFingerprint,
        };
    }

    private DigestSignatureStatus CheckSignature(DigestEntry d, DigestDocument doc, Dictionary<string, DigestEntry> nextOf, out string reason)
    {
        if (_keys.Count == 0)
        {
            reason = "its signature was not checked (no public key given)";
            return DigestSignatureStatus.NotChecked;
        }
        string? signatureHex = null;
        string source;
        if (nextOf.TryGetValue(d.Relative, out var next) && next.Document?.PreviousSignature is string fromNext)
        {
            signatureHex = fromNext;
            source = $"the signature recorded by the next digest {Path.GetFileName(next.Path)}";
        }
        else
        {
            source = "the signature in " + Path.GetFileName(d.Path) + SignatureSuffix;
            string sidecar = d.Path + SignatureSuffix;
            if (File.Exists(sidecar))
            {
                try
                {
                    signatureHex = ReadSidecar(sidecar);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonException || e is InvalidDataException)
                {
                    reason = $"its signature file {sidecar} cannot be read ({e.Message})";
                    return DigestSignatureStatus.NotChecked;
                }
            }
            if (signatureHex == null)
            {
                reason = "its signature was not checked: no digest after it records it (it is the newest digest of its chain), and CloudTrail keeps a digest's own signature in S3 object metadata " +
                         $"(x-amz-meta-signature); save it as {Path.GetFileName(d.Path)}{SignatureSuffix} to check it";
                return DigestSignatureStatus.NotChecked;
            }
        }
        if (string.IsNullOrEmpty(doc.PublicKeyFingerprint) || !_keys.TryGetValue(doc.PublicKeyFingerprint!, out var key))
        {
            reason = $"it was signed with the key {doc.PublicKeyFingerprint}, which is not among the public keys given ({string.Join(", ", _keys.Keys)})";
            return DigestSignatureStatus.KeyNotFound;
        }
        if (!string.Equals(doc.SignatureAlgorithm ?? "SHA256withRSA", "SHA256withRSA", StringComparison.OrdinalIgnoreCase))
        {
            reason = $"its digestSignatureAlgorithm '{doc.SignatureAlgorithm}' is not SHA256withRSA, so its signature was not checked";
            return DigestSignatureStatus.NotChecked;
        }
        if (!Hex.TryDecode(signatureHex, out var signature))
        {
            reason = $"{source} is not hexadecimal, so it cannot be a CloudTrail signature";
            return DigestSignatureStatus.Invalid;
        }
        if (key.Verify(DataToSign(doc), signature))
        {
            reason = $"its signature verifies with the key {key.Fingerprint} ({source})";
            return DigestSignatureStatus.Valid;
        }
        reason = $"its signature does not verify with the key {key.Fingerprint} ({source}): the digest or its signature was changed";
        return DigestSignatureStatus.Invalid;
    }

    /// <summary>
    /// The string CloudTrail signs: digestEndTime, digestS3Bucket/digestS3Object, the hex SHA-256 of the
    /// uncompressed digest and previousDigestSignature ("null" for the first digest of a chain), joined by
    /// newlines, as UTF-8.
    /// </summary>
    internal static byte[] DataToSign(DigestDocument doc) => DataToSign(doc.DigestEndTimeText!, doc.S3Bucket!, doc.S3Object!, doc.Hash, doc.PreviousSignature);

    /// <summary>The data-signing string of a digest, from its fields (for tools that sign test digests).</summary>
    public static byte[] DataToSign(string digestEndTime, string digestS3Bucket, string digestS3Object, string digestSha256Hex, string? previousDigestSignature) =>
        Encoding.UTF8.GetBytes(digestEndTime + "\n" + digestS3Bucket + "/" + digestS3Object + "\n" + digestSha256Hex + "\n" + (previousDigestSignature ?? "null"));

    private static string? ReadSidecar(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > 1 << 20) throw new InvalidDataException("the file is too large for a signature");
        string text = File.ReadAllText(path).Trim().TrimStart('\uFEFF');
        if (!text.StartsWith("{", StringComparison.Ordinal)) return text.Length == 0 ? null : text;
        using var json = JsonDocument.Parse(text);
        // aws s3api head-object / get-object output: {"Metadata": {"signature": "...", "signature-algorithm": "SHA256withRSA"}}
        if (json.RootElement.TryGetProperty("Metadata", out var meta) && meta.ValueKind == JsonValueKind.Object &&
            meta.TryGetProperty("signature", out var sig) && sig.ValueKind == JsonValueKind.String)
        {
            return sig.GetString();
        }
        throw new InvalidDataException("the JSON has no Metadata.signature (the output of 'aws s3api head-object' was expected)");
    }

    // ---------------------------------------------------------------- log files

    private CloudTrailIntegrityResult? CheckListedLogFile(Group group, DigestEntry d, DigestLogFile f, HashSet<string> listed, CancellationToken cancellationToken)
    {
        string? relative = f.S3Object == null ? null : RelativeToAccount(f.S3Object, group.Account);
        if (relative == null)
        {
            return new CloudTrailIntegrityResult(IntegrityItemKind.LogFile, IntegrityStatus.Missing, d.Path, f.S3Object,
                $"the digest lists a log file whose key ({f.S3Object ?? "none"}) is not below {group.Account}/CloudTrail/, so it cannot be found here",
                group.Account, group.Region, d.Name.Trail, d.Document!.EndTime) { DigestPath = d.Path, ExpectedHash = f.HashValue };
        }
        listed.Add(relative);
        string path = LocalPath(group, relative);
        var time = LogFileName.DeliveryTime(Path.GetFileName(path));
        CloudTrailIntegrityResult Result(IntegrityStatus status, string reason, string? actual = null) =>
            new(IntegrityItemKind.LogFile, status, path, f.S3Object, reason, group.Account, group.Region, d.Name.Trail, d.Document!.EndTime)
            {
                DigestPath = d.Path,
                ExpectedHash = f.HashValue,
                ActualHash = actual,
                FileTime = time,
            };

        if (!File.Exists(path))
        {
            return Result(IntegrityStatus.Missing, $"the digest {Path.GetFileName(d.Path)} lists this log file, but it is not on disk: it was deleted or not copied");
        }
        if (!string.Equals(f.HashAlgorithm ?? "SHA-256", "SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            return Result(IntegrityStatus.Unreadable, $"the digest records a {f.HashAlgorithm} hash for it, not SHA-256");
        }
        string actual;
        try
        {
            actual = HashUncompressed(path, cancellationToken);
        }
        catch (InputFormatException e)
        {
            var r = Result(IntegrityStatus.Unreadable, "the file cannot be read to its end, so its hash cannot be checked: " + e.Message);
            _host.ReportIssue(new ReadIssue(e.Kind, path, r.Reason));
            return r;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            var r = Result(IntegrityStatus.Unreadable, "the file cannot be read: " + e.Message);
            _host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, path, r.Reason));
            return r;
        }
        finally
        {
            Progress(path);
        }
        if (string.Equals(actual, f.HashValue, StringComparison.OrdinalIgnoreCase))
        {
            return Result(IntegrityStatus.Valid, $"its SHA-256 matches the digest {Path.GetFileName(d.Path)}", actual);
        }
        return Result(IntegrityStatus.Modified,
            $"its SHA-256 is {actual}, but the digest {Path.GetFileName(d.Path)} records {f.HashValue}: the file was changed after delivery", actual);
    }

    /// <summary>SHA-256 (hex) of a file's uncompressed content, read as a stream; truncated gzip throws.</summary>
    internal string HashUncompressed(string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        using (var stream = LogFileOpener.Open(path))
        {
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, n);
                Statistics.BytesHashed += n;
            }
        }
        return Hex.Encode(hash.GetHashAndReset());
    }

    // ---------------------------------------------------------------- paths and keys

    private CloudTrailIntegrityResult Unreadable(Group group, IntegrityItemKind kind, string path, string? s3Key, string reason, DigestEntry? d)
    {
        _host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, path, reason));
        return new CloudTrailIntegrityResult(kind, IntegrityStatus.Unreadable, path, s3Key, reason, group.Account, group.Region,
            d?.Name.Trail, d?.Name.EndTime);
    }

    /// <summary>
    /// The part of an S3 key after "&lt;account&gt;/" when a CloudTrail or CloudTrail-Digest folder follows
    /// (the key's bucket prefix, AWSLogs and organization folders dropped), or null.
    /// </summary>
    internal static string? RelativeToAccount(string key, string account)
    {
        foreach (var folder in new[] { LogFolder + "/", DigestFolder + "/" })
        {
            string marker = account + "/" + folder;
            int at;
            if (key.StartsWith(marker, StringComparison.Ordinal))
            {
                at = 0;
            }
            else
            {
                int i = key.IndexOf("/" + marker, StringComparison.Ordinal);
                if (i < 0) continue;
                at = i + 1;
            }
            return key.Substring(at + account.Length + 1);
        }
        return null;
    }

    private static string Relative(string accountDir, string file) =>
        file.Substring(accountDir.Length + 1).Replace(Path.DirectorySeparatorChar, '/');

    private static string LocalPath(Group group, string relative) =>
        Path.Combine(group.AccountDir, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The S3 key of a file no digest lists, from the key prefix a readable digest records.</summary>
    private static string? S3KeyFor(Group group, List<DigestEntry> digests, string relative)
    {
        foreach (var d in digests)
        {
            if (d.Document?.S3Object is string key && RelativeToAccount(key, group.Account) is string rel && key.EndsWith(rel, StringComparison.Ordinal))
            {
                return key.Substring(0, key.Length - rel.Length) + relative;
            }
        }
        return null;
    }

    private static IEnumerable<string> FilesBelow(string root, TimeWindow? window, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root)) yield break;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string dir = pending.Pop();
            string[] files = Directory.GetFiles(dir), dirs = Directory.GetDirectories(dir);
            Array.Sort(files, StringComparer.Ordinal);
            Array.Sort(dirs, StringComparer.Ordinal);
            foreach (var f in files) yield return f;
            for (int i = dirs.Length - 1; i >= 0; i--)
            {
                if ((File.GetAttributes(dirs[i]) & FileAttributes.ReparsePoint) != 0) continue;
                if (window != null && !window.IsUnbounded && InputFiles.TryGetDeliveryDays(dirs[i], out var first, out var last) &&
                    !window.MayContainDeliveryDays(first, last)) continue;
                pending.Push(dirs[i]);
            }
        }
    }

    private static List<(DateTime Start, DateTime End)> Merge(List<(DateTime Start, DateTime End)> spans)
    {
        var merged = new List<(DateTime Start, DateTime End)>();
        foreach (var s in spans.OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && s.Start <= merged[merged.Count - 1].End.AddSeconds(1))
            {
                var last = merged[merged.Count - 1];
                merged[merged.Count - 1] = (last.Start, s.End > last.End ? s.End : last.End);
            }
            else
            {
                merged.Add(s);
            }
        }
        return merged;
    }

    /// <summary>A file name gives the delivery minute: the whole minute must lie in a covered period.</summary>
    private static bool IsCovered(List<(DateTime Start, DateTime End)> covered, DateTime minute) =>
        covered.Any(s => minute >= s.Start && minute.AddMinutes(1) <= s.End);

    private static string Describe(List<(DateTime Start, DateTime End)> covered) =>
        string.Join(", ", covered.Select(s => string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-dd HH:mm:ss} to {1:yyyy-MM-dd HH:mm:ss} UTC", s.Start, s.End)));

    private void Progress(string file)
    {
        _filesRead++;
        _host.Progress(new ScanProgress(file, _filesRead, 0, Statistics.BytesHashed));
    }
}
