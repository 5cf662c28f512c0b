using System;
using System.Collections.Generic;
using System.Threading;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Engine.Live.Aws;

/// <summary>
/// SDK calls of the live AWS sources with their error handling: pages of a Describe/List call (a failure is
/// reported with its page, what was read is kept), and single calls about one resource (a refusal or failure is
/// reported for that resource, the others go on). Credential errors end the read (<see cref="LiveSourceException"/>).
/// </summary>
internal sealed class AwsCalls
{
    private readonly IScanHost _host;

    public AwsCalls(IScanHost host)
    {
        _host = host;
    }

    /// <summary>The items of every page of a Describe/List call; a failure is reported with its page and what was read is kept.</summary>
    public IEnumerable<TItem> Pages<TRequest, TResponse, TItem>(string operation, string region, TRequest request,
        Func<TRequest, System.Threading.Tasks.Task<TResponse>> call, Func<TResponse, List<TItem>?> items, Func<TResponse, string?> next,
        Action<TRequest, string?> setNext, CancellationToken cancellationToken)
    {
        int page = 0;
        long read = 0;
        string? token = null;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            page++;
            TResponse response;
            try
            {
                response = AwsLiveSession.Call(operation, () => call(request));
            }
            catch (AwsApiException e) when (e.IsAccessDenied)
            {
                _host.ReportIssue(new ReadIssue(ReadIssueKind.AccessDenied, $"{operation} {region}", $"access denied ({e.ErrorCode}): the identity needs {IamAction(operation)}; nothing of it was read in {region}"));
                yield break;
            }
            catch (AwsApiException e)
            {
                string kept = page == 1 ? "nothing of it was read" : $"the {read} item(s) of pages 1 to {page - 1} were kept";
                _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceFailed, $"{operation} {region}", $"page {page} failed ({e.Message}); {kept}, and the rest was not read"));
                yield break;
            }
            foreach (var item in items(response) ?? new List<TItem>())
            {
                read++;
                yield return item;
            }
            string? following = next(response);
            if (string.IsNullOrEmpty(following) || following == token) break;
            token = following;
            setNext(request, token);
        }
        while (true);
        _host.Verbose($"{operation} {region}: {read} item(s) in {page} page(s).");
    }

    /// <summary>One call about one resource; a refusal or failure is reported for that resource and null returned.</summary>
    public T? TryCall<T>(string operation, string region, string resource, Func<System.Threading.Tasks.Task<T>> call, string? noneCode = null) where T : class
    {
        try
        {
            return AwsLiveSession.Call(operation, call);
        }
        catch (AwsApiException e) when (noneCode != null && e.ErrorCode == noneCode)
        {
            return null;
        }
        catch (AwsApiException e) when (e.IsAccessDenied)
        {
            _host.ReportIssue(new ReadIssue(ReadIssueKind.AccessDenied, $"{operation} {region}", $"access denied on {resource} ({e.ErrorCode}): the identity needs {IamAction(operation)}; {resource} was not read, the others were"));
            return null;
        }
        catch (AwsApiException e) when (e.ErrorCode != null && e.ErrorCode.EndsWith(".NotFound", StringComparison.Ordinal) || e.ErrorCode == "NoSuchBucket")
        {
            _host.Verbose($"{resource} was deleted while it was being read ({e.ErrorCode}).");
            return null;
        }
        catch (AwsApiException e)
        {
            _host.ReportIssue(new ReadIssue(ReadIssueKind.SourceFailed, $"{operation} {region}", $"{resource}: {e.Message}; {resource} was not read, the others were"));
            return null;
        }
    }

    internal static string IamAction(string operation) => operation switch
    {
        "ListBuckets" => "s3:ListAllMyBuckets",
        "GetBucketReplication" => "s3:GetReplicationConfiguration",
        "ListObjectsV2" => "s3:ListBucket",
        "GetBucketLocation" or "GetBucketPolicy" or "GetBucketAcl" or "GetObject" => "s3:" + operation,
        "LookupEvents" => "cloudtrail:LookupEvents",
        "GetCallerIdentity" => "sts:GetCallerIdentity",
        _ => "ec2:" + operation,
    };

}
