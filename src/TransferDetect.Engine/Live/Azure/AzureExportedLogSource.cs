using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using Azure;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using TransferDetect.Engine.Hosting;
using TransferDetect.Engine.Model;
using TransferDetect.Engine.Sources;

namespace TransferDetect.Engine.Live.Azure;

/// <summary>
/// Reads Activity Log exported by a diagnostic setting to a storage account (container
/// <c>insights-activity-logs</c>, blobs <c>resourceId=/SUBSCRIPTIONS/{ID}/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json</c>)
/// with Azure.Storage.Blobs: only the blobs of the hours in the time window are listed (one prefix per
/// day) and each is streamed into the same reader as the files on disk. Signs in with the credential
/// (role Storage Blob Data Reader) unless the container URI carries a SAS token. A blob that cannot be
/// read is reported and the others are read.
/// </summary>
public sealed class AzureExportedLogSource
{
    /// <summary>The container a diagnostic setting writes the Activity Log to.</summary>
    public const string DefaultContainer = "insights-activity-logs";

    private static readonly Regex HourPath = new(@"/y=(\d{4})/m=(\d{2})/d=(\d{2})/h=(\d{2})/", RegexOptions.CultureInvariant);

    private readonly IScanHost _host;
    private readonly AzureLiveOptions _options;
    private readonly Uri _container;
    private readonly ShareLogReader _reader;

    /// <param name="container">The container's URI (https://account.blob.core.windows.net/insights-activity-logs), with a SAS token or not.</param>
    public AzureExportedLogSource(IScanHost host, AzureLiveOptions options, Uri container, ShareLogReaderOptions? readerOptions = null)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _container = container ?? throw new ArgumentNullException(nameof(container));
        var r = readerOptions ?? new ShareLogReaderOptions();
        r.Providers = new[] { Provider.Azure };
        r.Window = options.Window;
        _reader = new ShareLogReader(host, r);
    }

    /// <summary>The URI of the Activity Log container of a storage account in the public cloud.</summary>
    public static Uri ContainerOf(string storageAccount, string container = DefaultContainer) =>
        new($"https://{storageAccount}.blob.core.windows.net/{container}");

    public ScanStatistics Statistics => _reader.Statistics;

    /// <summary>Blobs listed in the window.</summary>
    public int BlobsListed { get; private set; }

    /// <summary>Listings or blobs that could not be read (each reported).</summary>
    public int FailedRequests { get; private set; }

    /// <exception cref="AzureLiveException">Signing in failed or the storage account refused the credential.</exception>
    public IEnumerable<ShareEvent> Read(CancellationToken cancellationToken = default)
    {
        var client = CreateClient(out string description);
        _host.Verbose($"Reading exported Activity Log from {Redacted(_container)} with {description}.");
        return _reader.ReadPages(Blobs(client, cancellationToken), cancellationToken);
    }

    private BlobContainerClient CreateClient(out string description)
    {
        var endpoint = LoopbackHttpHandler.ForSdk(_container, "Blob storage");
        var blobOptions = new BlobClientOptions();
        blobOptions.Retry.MaxRetries = Math.Max(0, _options.MaxRetries);
        blobOptions.Retry.Delay = _options.RetryDelay;
        blobOptions.Retry.MaxDelay = _options.MaxRetryDelay;
        blobOptions.Diagnostics.ApplicationId = "TransferDetect";
        var handler = LoopbackHttpHandler.For(_container);
        if (handler != null) blobOptions.Transport = new HttpClientTransport(new HttpClient(handler));
        bool sas = _container.Query.IndexOf("sig=", StringComparison.OrdinalIgnoreCase) >= 0;
        if (sas)
        {
            description = "the SAS token of the URI";
            return new BlobContainerClient(endpoint, blobOptions);
        }
        var credential = AzureCredentials.Create(_options, out description);
        return new BlobContainerClient(endpoint, credential, blobOptions);
    }

    /// <summary>The day prefixes of the window (one per subscription), or the subscriptions' prefixes when the window is unbounded.</summary>
    internal IEnumerable<string> Prefixes()
    {
        var subs = _options.SubscriptionIds.Count == 0 ? new[] { "" } : (IEnumerable<string>)_options.SubscriptionIds;
        var window = _options.Window;
        foreach (var s in subs)
        {
            string root = s.Length == 0 ? "resourceId=/SUBSCRIPTIONS/" : $"resourceId=/SUBSCRIPTIONS/{s.Trim().ToUpperInvariant()}/";
            if (window.Start is not DateTime start)
            {
                yield return root;
                continue;
            }
            var end = window.End ?? _options.UtcNow();
            if (s.Length == 0)
            {
                yield return root;
                continue;
            }
            for (var day = start.Date; day <= end.Date; day = day.AddDays(1))
            {
                yield return root + day.ToString("'y='yyyy'/m='MM'/d='dd'/'", CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>True when the blob's hour (from its name) may hold events of the window; names without an hour are read.</summary>
    internal bool InWindow(string name)
    {
        var m = HourPath.Match(name);
        if (!m.Success) return true;
        var hour = new DateTime(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), 0, 0, DateTimeKind.Utc);
        var w = _options.Window;
        return (!w.Start.HasValue || hour.AddHours(1) > w.Start.Value) && (!w.End.HasValue || hour <= w.End.Value);
    }

    private IEnumerable<KeyValuePair<string, Stream>> Blobs(BlobContainerClient client, CancellationToken cancellationToken)
    {
        foreach (var prefix in Prefixes())
        {
            using var listing = client.GetBlobs(BlobTraits.None, BlobStates.None, prefix, cancellationToken).GetEnumerator();
            int listed = 0;
            while (true)
            {
                BlobItem blob;
                try
                {
                    if (!listing.MoveNext()) break;
                    blob = listing.Current;
                }
                catch (Exception e) when (e is RequestFailedException || e is AggregateException || e is AuthenticationFailedException)
                {
                    Fail(e, $"the listing of {prefix} stopped after {listed} blob(s)", "the blobs after them were not read, so the result is incomplete");
                    break;
                }
                listed++;
                if (!InWindow(blob.Name)) continue;
                BlobsListed++;
                Stream stream;
                try
                {
                    stream = client.GetBlobClient(blob.Name).DownloadStreaming(cancellationToken: cancellationToken).Value.Content;
                }
                catch (Exception e) when (e is RequestFailedException || e is AggregateException || e is AuthenticationFailedException)
                {
                    Fail(e, $"blob {blob.Name} could not be read", "its events are missing");
                    continue;
                }
                yield return new KeyValuePair<string, Stream>($"{Redacted(_container)}/{blob.Name}", stream);
            }
        }
    }

    private void Fail(Exception e, string what, string consequence)
    {
        if (e is AuthenticationFailedException auth) throw AzureCredentials.SignInFailed("Blob storage", "the credential", auth);
        var failed = e as RequestFailedException ?? (e as AggregateException)?.InnerException as RequestFailedException;
        int status = failed?.Status ?? 0;
        string code = failed?.ErrorCode is string c ? " " + c : "";
        if (status == 401) throw new AzureLiveException($"Blob storage refused the credential (401{code}) for {Redacted(_container)}: sign in again, or give a container URI with a valid SAS token.", 401);
        FailedRequests++;
        string hint = status == 403 ? " (the identity needs Storage Blob Data Reader on the account, or give a SAS URI with read and list rights)" : "";
        _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceFailed, Redacted(_container),
            $"{what}: storage answered {(status == 0 ? "nothing" : status.ToString(CultureInfo.InvariantCulture))}{code}{hint}; {consequence}."));
    }

    /// <summary>The URI without its query: a SAS token never reaches output, errors or verbose text.</summary>
    internal static string Redacted(Uri uri) => uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
