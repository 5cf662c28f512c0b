using System.Diagnostics;
using System.Management.Automation;
using TransferDetect.Tests;
using Xunit;
using static TransferDetect.Module.Tests.ScriptResult;

namespace TransferDetect.Module.Tests;

/// <summary>Get-Help on the module's cmdlets and topics, as a user in the hosted engine gets it.</summary>
public class HelpTests
{
    public static TheoryData<string> Cmdlets => new() { "Get-SnapshotShareEvent", "Find-ExternalShare", "Export-TransferReport" };

    private static string HelpSource(string cmdlet) => Path.Combine(RepoPaths.Root, "src", "TransferDetect", "help", cmdlet + ".md");

    /// <summary>The one paragraph under ## SYNOPSIS of the markdown source.</summary>
    private static string SourceSynopsis(string cmdlet)
    {
        var lines = File.ReadAllLines(HelpSource(cmdlet));
        int at = Array.IndexOf(lines, "## SYNOPSIS");
        return string.Join(" ", lines.Skip(at + 1).TakeWhile(l => l.Trim().Length > 0 && !l.StartsWith('#')).Select(l => l.Trim()));
    }

    [Theory]
    [InlineData("Get-SnapshotShareEvent", "Reads cloud logs (CloudTrail, the Azure Activity Log, GCP audit logs) and returns one ShareEvent")]
    [InlineData("Get-StorageShareEvent", "Reads cloud logs (CloudTrail, the Azure Activity Log, GCP audit logs) and returns one ShareEvent for every grant or revocation of access to a bucket")]
    [InlineData("Get-FileShareEvent", "Reads the Microsoft 365 Unified Audit Log and returns one ShareEvent")]
    [InlineData("Get-ShareEvent", "Reads cloud logs of any provider")]
    [InlineData("Find-ExternalShare", "Keeps the share events whose grantee is outside your trust zone or is public")]
    [InlineData("Export-TransferReport", "Writes findings and incidents to a report file: JSON lines for a SIEM, CSV for a spreadsheet, or one self-contained HTML page")]
    public void Get_Help_returns_the_synopsis_written_in_the_help_source(string cmdlet, string start)
    {
        using var s = new PowerShellSession();
        var r = s.Run("(Get-Help $args[0]).Synopsis", cmdlet);
        Assert.Empty(r.Errors);
        string synopsis = Assert.Single(r.Output).ToString();
        Assert.StartsWith(start, synopsis, StringComparison.Ordinal);
        Assert.Equal(SourceSynopsis(cmdlet), synopsis);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Get_Help_describes_every_parameter_with_the_binding_of_the_code(string cmdlet)
    {
        using var s = new PowerShellSession();
        // What the engine binds (Get-Command) next to what Get-Help says, one line per parameter.
        var r = s.Run("""
            $command = Get-Command $args[0]
            $help = Get-Help $args[0] -Full
            foreach ($name in $command.Parameters.Keys) {
                if ([System.Management.Automation.Cmdlet]::CommonParameters -contains $name) { continue }
                $p = $command.Parameters[$name]
                $h = @($help.parameters.parameter | Where-Object name -eq $name)
                $description = (@($h | ForEach-Object { $_.description } | ForEach-Object { $_.Text }) -join ' ').Trim()
                $byValue = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline }).Count -gt 0
                $byName = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }).Count -gt 0
                $pipeline = if ($byName -and $byValue) { 'True (ByPropertyName, ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } else { 'False' }
                $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
                [pscustomobject]@{
                    Name = $name; Sections = $h.Count; Description = $description
                    CodeType = $p.ParameterType.FullName; HelpType = "$($h.type.name)"
                    CodePipeline = $pipeline; HelpPipeline = "$($h.pipelineInput)"
                    CodeAliases = $aliases; HelpAliases = "$($h.aliases)"
                }
            }
            """, cmdlet);
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.NotEmpty(r.Output);
        string source = File.ReadAllText(HelpSource(cmdlet));
        foreach (var p in r.Output)
        {
            string name = (string)Prop(p, "Name")!;
            Assert.True(1 == (int)Prop(p, "Sections")!, $"{cmdlet} -{name}: {Prop(p, "Sections")} help entries");
            string description = (string)Prop(p, "Description")!;
            Assert.True(description.Length > 20, $"{cmdlet} -{name} has no real description: '{description}'");
            Assert.Contains("### -" + name, source);
            Assert.Equal(Prop(p, "CodeType"), Prop(p, "HelpType"));
            Assert.Equal(Prop(p, "CodePipeline"), Prop(p, "HelpPipeline"));
            Assert.Equal(Prop(p, "CodeAliases"), Prop(p, "HelpAliases"));
        }
    }

    [Fact]
    public void Get_Help_shows_one_syntax_per_parameter_set_and_the_PSPath_alias_of_LiteralPath()
    {
        using var s = new PowerShellSession();
        var r = s.Run("""
            $help = Get-Help Get-SnapshotShareEvent -Full
            foreach ($item in $help.syntax.syntaxItem) { ($item.parameter | ForEach-Object { $_.name }) -join ',' }
            ($help.parameters.parameter | Where-Object name -eq LiteralPath).aliases
            (($help.parameters.parameter | Where-Object name -eq LiteralPath).description | ForEach-Object { $_.Text }) -join ' '
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(
            new[] { "Path,StartTime,EndTime,Provider,Region,Operation", "LiteralPath,StartTime,EndTime,Provider,Region,Operation", "PSPath, LP" },
            r.Output.Take(3).Select(o => o.ToString()));
        Assert.EndsWith("Parameter set: LiteralPath.", r.Output[3].ToString());
    }

    [Fact]
    public void Get_Help_of_Export_TransferReport_documents_WhatIf_and_Confirm_and_the_valid_formats()
    {
        using var s = new PowerShellSession();
        var r = s.Run("""
            $help = Get-Help Export-TransferReport -Full
            ($help.parameters.parameter | ForEach-Object { $_.name }) -join ','
            (($help.syntax.syntaxItem.parameter | Where-Object name -eq Format).parameterValueGroup.parameterValue) -join ','
            """);
        Assert.Empty(r.Errors);
        Assert.Equal("Path,InputObject,Format,Append,NoClobber,PassThru,WhatIf,Confirm", r.Output[0].ToString());
        Assert.Equal("JsonLines,Csv,Html", r.Output[1].ToString());
    }

    [Theory]
    [InlineData("about_TransferDetect", "T1537, Transfer Data to Cloud Account")]
    [InlineData("about_TransferDetect_TrustZone", "aws.organizationalUnits")]
    public void About_topics_are_found_by_Get_Help(string topic, string expected)
    {
        using var s = new PowerShellSession();
        var r = s.Run("Get-Help $args[0]", topic);
        Assert.Empty(r.Errors);
        string text = string.Join("\n", r.Output.Select(o => o.ToString()));
        Assert.Contains("TOPIC\n    " + topic + "\n", text.Replace("\r\n", "\n"));
        Assert.Contains(expected, text);
    }

    [Fact]
    public void Trust_zone_topic_names_every_section_and_key_the_trust_zone_accepts()
    {
        string topic = File.ReadAllText(Path.Combine(RepoPaths.Root, "module", "en-US", "about_TransferDetect_TrustZone.help.txt"));
        foreach (string key in new[]
                 {
                     "aws.accounts", "aws.organizations", "aws.organizationalUnits", "azure.tenants", "azure.subscriptions",
                     "m365.domains", "gcp.organizations", "gcp.projects", "gcp.domains", "TransferDetect.InvalidTrustZone",
                     "-TrustedAccount", "-TrustedOrganization", "-TrustedOrganizationalUnit",
                 })
        {
            Assert.Contains(key, topic);
        }
    }

    [Fact]
    public void Help_generator_fails_naming_the_parameter_when_a_parameter_section_is_missing()
    {
        string dir = RepoPaths.NewTempDirectory();
        foreach (string md in Directory.GetFiles(Path.GetDirectoryName(HelpSource("Find-ExternalShare"))!, "*-*.md"))
        {
            File.Copy(md, Path.Combine(dir, Path.GetFileName(md)));
        }
        string find = Path.Combine(dir, "Find-ExternalShare.md");
        string text = File.ReadAllText(find);
        int start = text.IndexOf("### -TrustedOrganizationalUnit", StringComparison.Ordinal);
        int end = text.IndexOf("### -TrustedTenant", StringComparison.Ordinal);
        File.WriteAllText(find, text.Remove(start, end - start));

        var (exit, output) = RunHelpGenerator(dir, Path.Combine(dir, "out.xml"));

        Assert.Equal(1, exit);
        Assert.Contains("Find-ExternalShare.md(1): error TDHELP: Find-ExternalShare -TrustedOrganizationalUnit is not documented", output);
        Assert.Contains("1 problem(s)", output);
        Assert.False(File.Exists(Path.Combine(dir, "out.xml")));
    }

    [Fact]
    public void Help_generator_fails_on_a_section_for_a_parameter_the_cmdlet_does_not_have()
    {
        string dir = RepoPaths.NewTempDirectory();
        foreach (string md in Directory.GetFiles(Path.GetDirectoryName(HelpSource("Find-ExternalShare"))!, "*-*.md"))
        {
            File.Copy(md, Path.Combine(dir, Path.GetFileName(md)));
        }
        string export = Path.Combine(dir, "Export-TransferReport.md");
        File.WriteAllText(export, File.ReadAllText(export).Replace("### -NoClobber", "### -NoOverwrite"));

        var (exit, output) = RunHelpGenerator(dir, Path.Combine(dir, "out.xml"));

        Assert.Equal(1, exit);
        Assert.Contains("error TDHELP: Export-TransferReport has no parameter -NoOverwrite", output);
        Assert.Contains("error TDHELP: Export-TransferReport -NoClobber is not documented", output);
    }

    /// <summary>Runs the built tools/TransferDetect.HelpGen on the built net8.0 module assembly.</summary>
    private static (int Exit, string Output) RunHelpGenerator(string helpDir, string output)
    {
        // The generator is built in the configuration of this test assembly (bin/<Configuration>/net10.0/).
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string tool = Path.Combine(RepoPaths.Root, "tools", "TransferDetect.HelpGen", "bin", configuration, "net10.0", "TransferDetect.HelpGen.dll");
        // The build output (what the build's GenerateCmdletHelp reads), where the engine sits beside the module
        // assembly; the staged bin/net8.0/ keeps the engine in dependencies/, for the module's load context.
        string assembly = Path.Combine(RepoPaths.Root, "src", "TransferDetect", "bin", configuration, "net8.0", "TransferDetect.dll");
        Assert.True(File.Exists(tool), $"{tool} is not built.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "exec", tool, "--assembly", assembly, "--help", helpDir, "--out", output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the help generator did not finish within 60 s");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
