using System.Diagnostics;
using TransferDetect.Engine.Tests.Live;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>
/// Assembly isolation on PowerShell 7: a separate process (tests/TransferDetect.IsolationProbe) preloads an older
/// Azure.Core (1.36.0) and System.Memory.Data into its default context, as another module would, then imports the
/// module and runs Get-ShareEvent -Live -Provider Azure against the loopback ARM and managed-identity fakes of this
/// process. It has to be another process: this one holds the engine and its SDKs in the default context already.
/// </summary>
public sealed class IsolationTests
{
    private static string Example => Path.Combine(RepoPaths.Root, "examples", "data", "azure", "activity-log-2026-11-02.json");

    /// <summary>The probe of the configuration this test project was built in (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string Probe
    {
        get
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            string probe = Path.Combine(RepoPaths.Root, "tests", "TransferDetect.IsolationProbe", "bin", configuration, "net10.0", "TransferDetect.IsolationProbe.dll");
            Assert.True(File.Exists(probe), $"The isolation probe is not built at {probe}.");
            return probe;
        }
    }

    private static string[] OfflineEvents()
    {
        using var session = new PowerShellSession();
        var r = session.Run("Get-ShareEvent -Path $args[0] | ForEach-Object { 'EVENT ' + $_.Operation + '|' + $_.Action + '|' + $_.Grantee }", Example);
        Assert.Empty(r.Errors);
        Assert.NotEmpty(r.Output);
        return r.Output.Select(o => o.ToString()).ToArray();
    }

    private static async Task<(int ExitCode, string[] Lines)> RunProbe(string manifest)
    {
        var arm = new ArmFake { PageSize = 3 };
        arm.ActivityRecords.AddRange(ArmFake.Load(Example));
        await using var fake = await LiveCmdletTests.ManagedIdentityAndArm(arm);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", Probe, manifest, ArmFake.Subscription, fake.Address.ToString() }) start.ArgumentList.Add(a);
        start.Environment["IDENTITY_ENDPOINT"] = new Uri(fake.Address, "msi/token").ToString();
        start.Environment["IDENTITY_HEADER"] = "h";
        start.Environment["AUTOMATION_ASSET_ACCOUNTID"] = "acct";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        string output = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        return (process.ExitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>The Azure.Core versions of the probe's LOADED lines, by load context.</summary>
    private static Dictionary<string, string> AzureCoreByContext(string[] lines) => lines
        .Where(l => l.StartsWith("LOADED Azure.Core ", StringComparison.Ordinal))
        .Select(l => l.Split(' '))
        .ToDictionary(p => string.Join(' ', p.Skip(4)), p => p[2]);

    [Fact]
    public async Task Packaged_module_runs_a_live_cmdlet_with_an_older_Azure_Core_preloaded_and_keeps_its_own_in_its_load_context()
    {
        string[] expected = OfflineEvents();
        // The module as it ships: module-package/TransferDetect/<version>/ (the Package target's copy, see PackageTests).
        string packaged = Assert.Single(Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "module-package", "TransferDetect")));

        var (exit, lines) = await RunProbe(Path.Combine(packaged, "TransferDetect.psd1"));

        Assert.Contains("PRELOADED Azure.Core 1.36.0.0 in Default", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("ERROR", StringComparison.Ordinal) || l.StartsWith("TERMINATING", StringComparison.Ordinal));
        Assert.Equal(0, exit);
        Assert.Equal(expected, lines.Where(l => l.StartsWith("EVENT ", StringComparison.Ordinal)));
        var azureCore = AzureCoreByContext(lines);
        Assert.Equal("1.36.0.0", azureCore["Default"]);
        Assert.Equal("1.60.0.0", azureCore["TransferDetect"]);
        Assert.Contains("LOADED TransferDetect.Engine 0.1.0.0 in TransferDetect", lines);
        Assert.Contains("LOADED TransferDetect 0.1.0.0 in Default", lines);
        Assert.DoesNotContain("LOADED TransferDetect.Engine 0.1.0.0 in Default", lines);
    }

    [Fact]
    public void Module_removed_and_imported_again_still_binds_the_engine_and_its_type_names()
    {
        using var session = new PowerShellSession();
        var r = session.Run("""
            Remove-Module TransferDetect
            Import-Module $args[0] -ErrorAction Stop
            @(Get-SnapshotShareEvent -Path $args[1]).Count
            [TransferDetect.Engine.Model.IncidentStage]::Used.ToString()
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([TransferDetect.Engine.Model.ShareEvent].Assembly).Name
            """, RepoPaths.ModuleManifest, Path.Combine(RepoPaths.Root, "examples", "data", "AWSLogs"));

        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(10, (int)r.Output[0].BaseObject);
        Assert.Equal("Used", r.Output[1].ToString());
        Assert.Equal("TransferDetect", r.Output[2].ToString());
    }

    /// <summary>The control: the same probe against a copy of the module whose net8.0 dependencies sit flat beside
    /// TransferDetect.dll (the layout before isolation) fails to bind its Azure.Core. This is what the test above
    /// would see if the module lost its isolation.</summary>
    [Fact]
    public async Task Flat_layout_fails_with_an_older_Azure_Core_preloaded()
    {
        string staged = Path.GetDirectoryName(RepoPaths.ModuleManifest)!;
        string copy = Path.Combine(Path.GetTempPath(), "td-flat-" + Guid.NewGuid().ToString("N"), "TransferDetect");
        try
        {
            foreach (string file in Directory.GetFiles(staged, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(staged, file).Replace('\\', '/').Replace("bin/net8.0/dependencies/", "bin/net8.0/", StringComparison.Ordinal);
                string target = Path.Combine(copy, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
            Assert.True(File.Exists(Path.Combine(copy, "bin", "net8.0", "TransferDetect.Engine.dll")));

            var (exit, lines) = await RunProbe(Path.Combine(copy, "TransferDetect.psd1"));

            Assert.Contains("PRELOADED Azure.Core 1.36.0.0 in Default", lines);
            Assert.NotEqual(0, exit);
            Assert.Contains(lines, l => (l.StartsWith("ERROR", StringComparison.Ordinal) || l.StartsWith("TERMINATING", StringComparison.Ordinal))
                && (l.Contains("0x80131040", StringComparison.Ordinal) || l.Contains("MissingMethodException", StringComparison.Ordinal) || l.Contains("FileLoadException", StringComparison.Ordinal))
                && l.Contains("Azure.Core", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.StartsWith("EVENT ", StringComparison.Ordinal));
            Assert.Equal("1.36.0.0", Assert.Single(AzureCoreByContext(lines)).Value);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }
}
