using System;
using System.Collections.Generic;
using System.Management.Automation;
using TransferDetect.Engine.Live.Azure;
using TransferDetect.Engine.Model;

namespace TransferDetect.Commands;

/// <summary>
/// What the cmdlets' live Azure and Microsoft 365 parameter sets share: the engine's options from the
/// parameters, and the errors that stop a live read (no credential, a refused credential, bad input)
/// as terminating errors with stable ids. The cmdlets never touch an SDK type.
/// </summary>
internal static class AzureLiveCommand
{
    public static AzureLiveOptions Options(string[]? subscriptionIds, string? tenantId, bool managedIdentity, string? managedIdentityClientId,
        Uri? armEndpoint, Uri? graphEndpoint, TimeWindow window)
    {
        var options = new AzureLiveOptions
        {
            TenantId = tenantId,
            UseManagedIdentity = managedIdentity,
            ManagedIdentityClientId = managedIdentityClientId,
            Window = window,
        };
        foreach (var s in subscriptionIds ?? Array.Empty<string>()) options.SubscriptionIds.Add(s);
        if (armEndpoint != null) options.ArmEndpoint = armEndpoint;
        if (graphEndpoint != null) options.GraphEndpoint = graphEndpoint;
        return options;
    }

    /// <summary>Runs a live read, writing what <paramref name="read"/> yields; stops the pipeline on a sign-in or access failure.</summary>
    public static void Run<T>(PSCmdlet cmdlet, Func<IEnumerable<T>> read, Action<T> write)
    {
        try
        {
            foreach (var item in read()) write(item);
        }
        catch (AzureLiveException e)
        {
            var category = e.Status == 401 || e.Status == 0 ? ErrorCategory.AuthenticationError : e.Status == 403 ? ErrorCategory.PermissionDenied : ErrorCategory.ConnectionError;
            string id = e.Status == 401 || e.Status == 0 ? "TransferDetect.LiveSignInFailed" : "TransferDetect.LiveSourceFailed";
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, id, category, null) { ErrorDetails = new ErrorDetails(e.Message) });
        }
        catch (ArgumentException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, "TransferDetect.InvalidLiveArgument", ErrorCategory.InvalidArgument, null));
        }
    }
}
