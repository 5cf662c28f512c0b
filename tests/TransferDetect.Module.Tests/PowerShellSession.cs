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

    public PowerShellSession(PSHost? host = null)
    {
        Assert.True(File.Exists(RepoPaths.ModuleManifest), $"The module is not built at {RepoPaths.ModuleManifest}.");
        var iss = InitialSessionState.CreateDefault2();
        _runspace = host == null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
        _runspace.Open();
        var import = Run("Import-Module $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest);
        Assert.Null(import.Terminating);
        Assert.Empty(import.Errors);
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
