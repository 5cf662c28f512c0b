using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>What a script produced, stream by stream.</summary>
internal sealed class ScriptResult
{
    public List<PSObject> Output { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<string> Verbose { get; } = new();

    /// <summary>The script-terminating error, when Invoke threw.</summary>
    public RuntimeException? Terminating { get; set; }

    public static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;
}

/// <summary>A real PowerShell runspace with the built module imported through its manifest.</summary>
internal sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    /// <param name="host">A host for the runspace; PowerShell's default when null.</param>
    /// <param name="manifest">The manifest to import; the staged out/TransferDetect/TransferDetect.psd1 when null.</param>
    public PowerShellSession(PSHost? host = null, string? manifest = null)
    {
        manifest ??= RepoPaths.ModuleManifest;
        Assert.True(File.Exists(manifest), $"The module is not built at {manifest}.");
        var iss = InitialSessionState.CreateDefault2();
        _runspace = host == null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
        _runspace.Open();
        var import = Run("Import-Module $args[0] -ErrorAction Stop", manifest);
        Assert.Null(import.Terminating);
        Assert.Empty(import.Errors);
    }

    /// <summary>Sets the runspace's current location, against which cmdlets resolve relative paths.</summary>
    public void SetLocation(string path) => _runspace.SessionStateProxy.Path.SetLocation(path);

    /// <summary>A PowerShell instance on this runspace, for tests that drive it themselves (BeginInvoke, Stop).</summary>
    public PowerShell CreatePowerShell()
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        return ps;
    }

    public ScriptResult Run(string script, params object[] args)
    {
        var result = new ScriptResult();
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        try
        {
            Collection<PSObject> output = ps.Invoke();
            result.Output.AddRange(output.Where(o => o != null));
        }
        catch (RuntimeException e)
        {
            result.Terminating = e;
        }
        result.Errors.AddRange(ps.Streams.Error);
        result.Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
        result.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
        return result;
    }

    public void Dispose() => _runspace.Dispose();
}
