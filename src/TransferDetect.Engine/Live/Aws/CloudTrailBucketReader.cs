using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.IO;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// CloudTrail log files straight from a trail's bucket: the accounts (and the organization folder of an
/// organization trail) and regions under <c>[prefix/]AWSLogs/</c> are found by listing with a delimiter, the
/// objects of the window's delivery days (<c>CloudTrail/&lt;region&gt;/YYYY/MM/DD/</c>) are downloaded a few at once
/// and read in key order by the same reader as files (Source <c>s3://bucket/key</c>). With a destination the
/// downloads stay there as evidence copies (the key's folders kept, never outside it); otherwise each is a
/// temporary file removed once read.
/// </summary>
internal sealed class CloudTrailBucketReader
{
    private readonly AmazonS3Client _s3;
    private readonly ShareLogReader _reader;
    private readonly IScanHost _host;
    private readonly AwsCalls _calls;
    private readonly ShareLogReaderOptions _options;
    private readonly int _parallel;

    public CloudTrailBucketReader(AmazonS3Client s3, ShareLogReader reader, ShareLogReaderOptions options, IScanHost host, int parallelDownloads)
    {
        _s3 = s3;
        _reader = reader;
        _options = options;
        _host = host;
        _calls = new AwsCalls(host);
        _parallel = Math.Max(1, parallelDownloads);
    }

    /// <summary>Objects listed, downloaded and read; for -Verbose and tests.</summary>
    public int ObjectsRead { get; private set; }

    public IEnumerable<ShareEvent> Read(string bucket, string? prefix, string? destination, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<(string Key, Task<string> Download, bool Keep)>();
        using var keys = Keys(bucket, prefix, cancellationToken).GetEnumerator();
        try
        {
            while (true)
            {
                while (inFlight.Count < _parallel && keys.MoveNext())
                {
                    string key = keys.Current;
                    string? target = destination == null ? null : TrailBucketPaths.Under(destination, key);
                    if (destination != null && target == null)
                    {
                        _host.ReportIssue(new ReadIssue(ReadIssueKind.UnexpectedContent, $"s3://{bucket}/{key}",
                            "the key would lead outside the destination folder (an empty, '.' or '..' part, or a character a file name cannot hold); it is read but no copy is kept"));
                    }
                    string path = target ?? Path.Combine(Path.GetTempPath(), "TransferDetect-" + Guid.NewGuid().ToString("N") + ".log");
                    inFlight.Enqueue((key, Task.Run(() => Download(bucket, key, path, cancellationToken)), target != null));
                }
                if (inFlight.Count == 0) yield break;
                var (k, download, keep) = inFlight.Dequeue();
                string? file = null;
                try
                {
                    file = download.GetAwaiter().GetResult();
                }
                catch (AwsApiException e)
                {
                    var kind = e.IsAccessDenied ? ReadIssueKind.AccessDenied : ReadIssueKind.SourceFailed;
                    _host.ReportIssue(new ReadIssue(kind, $"s3://{bucket}/{k}", $"the object could not be downloaded ({e.Message}); the other objects are read"));
                    continue;
                }
                try
                {
                    foreach (var e in ReadDownloaded(file, $"s3://{bucket}/{k}", cancellationToken)) yield return e;
                    ObjectsRead++;
                }
                finally
                {
                    if (!keep) TryDelete(file);
                }
            }
        }
        finally
        {
            foreach (var (_, download, keep) in inFlight)
            {
                try
                {
                    string f = download.GetAwaiter().GetResult();
                    if (!keep) TryDelete(f);
                }
                catch (Exception)
                {
                    // Abandoned with the read (cancelled or failed); nothing of it is reported.
                }
            }
        }
    }

    private IEnumerable<ShareEvent> ReadDownloaded(string file, string name, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = LogFileOpener.Open(file, _options.MaxCompressionRatio);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InputFormatException)
        {
            _host.ReportIssue(new ReadIssue(ReadIssueKind.FileUnreadable, name, "the downloaded copy cannot be opened: " + e.Message));
            yield break;
        }
        using (stream)
        {
            foreach (var e in _reader.ReadStream(stream, name, cancellationToken)) yield return e;
        }
    }

    private async Task<string> Download(string bucket, string key, string path, CancellationToken cancellationToken)
    {
        string? folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            var api = new AwsApiException("GetObject", (int)e.StatusCode, e.ErrorCode, $"GetObject failed: HTTP {(int)e.StatusCode} {e.ErrorCode}", e);
            if (api.IsCredentialError) throw AwsCredentialErrors.Fatal(api);
            throw api;
        }
        catch (Amazon.Runtime.AmazonClientException e)
        {
            throw new AwsApiException("GetObject", 0, null, "GetObject failed: " + e.Message, e);
        }
        using (response)
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, LogFileOpener.FileBufferSize, useAsync: true))
        {
            await response.ResponseStream.CopyToAsync(file, LogFileOpener.FileBufferSize, cancellationToken).ConfigureAwait(false);
        }
        return path;
    }

    private static void TryDelete(string? file)
    {
        if (file == null) return;
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The log objects of the window, account by account and region by region, in key order.</summary>
    private IEnumerable<string> Keys(string bucket, string? prefix, CancellationToken cancellationToken)
    {
        string root = (string.IsNullOrEmpty(prefix) ? "" : prefix!.Trim('/') + "/") + "AWSLogs/";
        var regions = _options.Regions == null ? null : new HashSet<string>(_options.Regions, StringComparer.OrdinalIgnoreCase);
        foreach (var top in Folders(bucket, root, cancellationToken))
        {
            string name = top.Substring(root.Length).TrimEnd('/');
            var accounts = name.StartsWith("o-", StringComparison.Ordinal) ? Folders(bucket, top, cancellationToken) : new[] { top };
            foreach (var account in accounts)
            {
                foreach (var regionFolder in Folders(bucket, account + "CloudTrail/", cancellationToken))
                {
                    string region = regionFolder.Substring(account.Length + "CloudTrail/".Length).TrimEnd('/');
                    if (regions != null && !regions.Contains(region)) continue;
                    foreach (var dayPrefix in DayPrefixes(regionFolder))
                    {
                        foreach (var key in Objects(bucket, dayPrefix, cancellationToken)) yield return key;
                    }
                }
            }
        }
    }

    /// <summary>The delivery days of the window (a file lands up to a day after its events); the whole region when the window has no start.</summary>
    private IEnumerable<string> DayPrefixes(string regionFolder)
    {
        var window = _options.Window;
        if (window.Start is not DateTime start)
        {
            yield return regionFolder;
            yield break;
        }
        var last = (window.End ?? DateTime.UtcNow).Date.AddDays(1);
        for (var day = start.Date; day <= last; day = day.AddDays(1))
        {
            yield return $"{regionFolder}{day:yyyy}/{day:MM}/{day:dd}/";
        }
    }

    private IEnumerable<string> Folders(string bucket, string prefix, CancellationToken cancellationToken) =>
        _calls.Pages("ListObjectsV2", $"s3://{bucket}/{prefix}", new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = "/" },
            r => _s3.ListObjectsV2Async(r, cancellationToken), r => r.CommonPrefixes, r => r.IsTruncated == true ? r.NextContinuationToken : null,
            (r, t) => r.ContinuationToken = t, cancellationToken);

    private IEnumerable<string> Objects(string bucket, string prefix, CancellationToken cancellationToken) =>
        _calls.Pages("ListObjectsV2", $"s3://{bucket}/{prefix}", new ListObjectsV2Request { BucketName = bucket, Prefix = prefix },
            r => _s3.ListObjectsV2Async(r, cancellationToken), r => r.S3Objects, r => r.IsTruncated == true ? r.NextContinuationToken : null,
            (r, t) => r.ContinuationToken = t, cancellationToken)
            .Select(o => o.Key)
            .Where(k => k.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase) || k.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
}
