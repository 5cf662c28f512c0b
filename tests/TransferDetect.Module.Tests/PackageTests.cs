using System.IO.Compression;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>
/// The release layout, made by the PackModule target (the second half of -t:Package) from the build
/// under test into this test's output folder (see the .csproj): module-package/TransferDetect/&lt;version&gt;/
/// and module-package/TransferDetect.zip.
/// </summary>
public class PackageTests
{
    private const long AzureAutomationLimit = 100L * 1024 * 1024;

    private static string PackageRoot => Path.Combine(AppContext.BaseDirectory, "module-package");

    /// <summary>module-package/TransferDetect/&lt;ModuleVersion&gt;/, the only folder there.</summary>
    private static string PackagedModule => Assert.Single(Directory.GetDirectories(Path.Combine(PackageRoot, "TransferDetect")));

    private static string Zip => Path.Combine(PackageRoot, "TransferDetect.zip");

    [Fact]
    public void Packaged_manifest_passes_Test_ModuleManifest_and_its_version_names_the_folder()
    {
        using var s = new PowerShellSession();
        var r = s.Run("Test-ModuleManifest -Path $args[0]", Path.Combine(PackagedModule, "TransferDetect.psd1"));
        Assert.Empty(r.Errors);
        var m = Assert.Single(r.Output);
        Assert.Equal("TransferDetect", Prop(m, "Name"));
        string manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, "TransferDetect.psd1"));
        Assert.Contains($"ModuleVersion = '{Prop(m, "Version")}'", manifest);
        Assert.Equal(Path.GetFileName(PackagedModule), Prop(m, "Version")!.ToString());
    }

    [Fact]
    public void Module_imported_from_the_package_reads_the_sample_data_and_has_its_help()
    {
        using var s = new PowerShellSession(manifest: Path.Combine(PackagedModule, "TransferDetect.psd1"));
        var r = s.Run("""
            (Get-Module TransferDetect).ModuleBase
            @(Get-SnapshotShareEvent -Path $args[0]).Count
            (Get-Help Find-ExternalShare).Synopsis
            """, Path.Combine(RepoPaths.Root, "examples", "data", "AWSLogs"));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(Path.GetFullPath(PackagedModule).TrimEnd(Path.DirectorySeparatorChar), r.Output[0].ToString().TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal(10, (int)r.Output[1].BaseObject);
        Assert.StartsWith("Keeps the share events whose grantee is outside your trust zone", r.Output[2].ToString());
    }

    [Fact]
    public void Package_holds_manifest_views_help_and_both_builds_with_the_net8_dependencies_isolated()
    {
        string[] files = Directory.GetFiles(PackagedModule, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(PackagedModule, f).Replace('\\', '/')).ToArray();
        Assert.Subset(files.ToHashSet(), new HashSet<string>
        {
            "TransferDetect.psd1", "TransferDetect.format.ps1xml", "TransferDetect.types.ps1xml",
            "en-US/TransferDetect.dll-Help.xml", "en-US/about_TransferDetect.help.txt", "en-US/about_TransferDetect_TrustZone.help.txt",
            "bin/net8.0/TransferDetect.dll", "bin/net8.0/dependencies/TransferDetect.Engine.dll", "bin/net8.0/dependencies/System.IO.Hashing.dll",
            "bin/net8.0/dependencies/Azure.Core.dll", "bin/net8.0/dependencies/AWSSDK.Core.dll", "bin/net8.0/dependencies/Microsoft.Graph.dll",
            "bin/netstandard2.0/TransferDetect.dll", "bin/netstandard2.0/TransferDetect.Engine.dll", "bin/netstandard2.0/System.Text.Json.dll",
            "bin/netstandard2.0/System.Memory.dll", "bin/netstandard2.0/System.IO.Hashing.dll",
        });
        Assert.DoesNotContain(files, f => f.Contains("System.Management.Automation", StringComparison.OrdinalIgnoreCase));
        // PowerShell 7's build is isolated: beside TransferDetect.dll nothing that Assembly.LoadFrom would bind into
        // the default context (the engine and the SDKs are in dependencies/, loaded by the module's load context).
        Assert.Equal(new[] { "bin/net8.0/TransferDetect.dll", "bin/net8.0/TransferDetect.pdb" },
            files.Where(f => f.StartsWith("bin/net8.0/", StringComparison.Ordinal) && !f.StartsWith("bin/net8.0/dependencies/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Zip_has_one_TransferDetect_folder_with_the_package_and_is_under_the_Azure_Automation_limit()
    {
        long size = new FileInfo(Zip).Length;
        Assert.InRange(size, 1, AzureAutomationLimit - 1);
        using var zip = ZipFile.OpenRead(Zip);
        string[] entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToArray();
        Assert.All(entries, e => Assert.StartsWith("TransferDetect/", e));
        string[] packaged = Directory.GetFiles(PackagedModule, "*", SearchOption.AllDirectories)
            .Select(f => "TransferDetect/" + Path.GetRelativePath(PackagedModule, f).Replace('\\', '/')).ToArray();
        Assert.Equal(packaged.OrderBy(x => x, StringComparer.Ordinal), entries.OrderBy(x => x, StringComparer.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine($"{Zip}: {size:N0} bytes ({size / (1024.0 * 1024):F2} MB), {entries.Length} files.");
    }
}
