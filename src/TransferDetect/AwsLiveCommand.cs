using System;
using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Live;
using TransferDetect.Engine.Live.Aws;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// What the cmdlets' live AWS parameter sets share: the session from -ProfileName and -Region, the check that
/// -Provider names AWS, and engine errors that end the read turned into terminating errors with stable ids.
/// </summary>
internal static class AwsLiveCommand
{
    internal const string LiveAwsSet = "Live"; // the same set as the Azure and M365 live parameters
    internal const string AwsBucketSet = "AwsBucket";

    /// <summary>Stops the command unless -Provider names AWS (the live sources of this module read AWS).</summary>
    public static void RequireAws(PSCmdlet cmdlet, ICollection<Provider>? providers)
    {
        if (providers != null && providers.Contains(Provider.Aws) && providers.Count == 1) return;
        cmdlet.ThrowTerminatingError(new ErrorRecord(
            new ArgumentException("This source reads AWS only: give -Provider Aws."),
            "TransferDetect.LiveProviderNotSupported", ErrorCategory.InvalidArgument, providers));
    }

    public static AwsLiveSession Open(PSCmdlet cmdlet, CmdletScanHost host, string? profileName, string[]? regions)
    {
        try
        {
            return new AwsLiveSession(new AwsLiveOptions { ProfileName = profileName, Regions = regions }, host);
        }
        catch (LiveSourceException e)
        {
            cmdlet.ThrowTerminatingError(Terminating(e));
            throw;
        }
    }

    public static ErrorRecord Terminating(LiveSourceException e)
    {
        var category = e.ErrorId switch
        {
            "TransferDetect.CredentialsExpired" or "TransferDetect.InvalidCredentials" or "TransferDetect.NoCredentials" => ErrorCategory.AuthenticationError,
            _ => ErrorCategory.InvalidArgument,
        };
        return new ErrorRecord(e, e.ErrorId, category, null) { ErrorDetails = new ErrorDetails(e.Message) };
    }

    public static ErrorRecord Terminating(AwsApiException e) =>
        new(e, e.IsAccessDenied ? "TransferDetect.AccessDenied" : "TransferDetect.SourceFailed",
            e.IsAccessDenied ? ErrorCategory.PermissionDenied : ErrorCategory.ConnectionError, e.Operation) { ErrorDetails = new ErrorDetails(e.Message) };

    /// <summary>Runs one engine call; an error that ends the read becomes a terminating error.</summary>
    public static T Call<T>(PSCmdlet cmdlet, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (LiveSourceException x)
        {
            cmdlet.ThrowTerminatingError(Terminating(x));
            throw;
        }
        catch (AwsApiException x)
        {
            cmdlet.ThrowTerminatingError(Terminating(x));
            throw;
        }
    }

    /// <summary>Streams the events to the pipeline; an error that ends the read becomes a terminating error (what was written stays written).</summary>
    public static IEnumerable<T> Guard<T>(PSCmdlet cmdlet, IEnumerable<T> items)
    {
        using var e = items.GetEnumerator();
        while (true)
        {
            T item;
            try
            {
                if (!e.MoveNext()) yield break;
                item = e.Current;
            }
            catch (LiveSourceException x)
            {
                cmdlet.ThrowTerminatingError(Terminating(x));
                yield break;
            }
            catch (AwsApiException x)
            {
                cmdlet.ThrowTerminatingError(Terminating(x));
                yield break;
            }
            yield return item;
        }
    }
}
