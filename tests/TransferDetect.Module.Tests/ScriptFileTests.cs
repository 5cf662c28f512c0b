using System.Management.Automation.Language;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Module.Tests;

/// <summary>
/// Scripts that cannot run here (Pester and pwsh-only cmdlets are missing) must at least parse.
/// </summary>
public class ScriptFileTests
{
    private static (ScriptBlockAst Ast, ParseError[] Errors) Parse(params string[] relative)
    {
        string path = Path.Combine(new[] { RepoPaths.Root }.Concat(relative).ToArray());
        Assert.True(File.Exists(path), path);
        var ast = Parser.ParseFile(path, out _, out ParseError[] errors);
        return (ast, errors);
    }

    private static string[] Commands(Ast ast) =>
        ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>().Select(c => c.GetCommandName()).Where(n => n != null).ToArray()!;

    [Fact]
    public void Pester_compliance_example_parses_and_checks_the_pipeline_with_Should_BeNullOrEmpty()
    {
        var (ast, errors) = Parse("examples", "pester", "NoExternalSnapshotShares.Tests.ps1");
        Assert.Empty(errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"));
        Assert.Equal(new[] { "Path", "TrustZonePath", "StartTime", "ModulePath" }, ast.ParamBlock.Parameters.Select(p => p.Name.VariablePath.UserPath));
        string[] commands = Commands(ast);
        Assert.Subset(commands.ToHashSet(), new HashSet<string> { "BeforeDiscovery", "BeforeAll", "Describe", "It", "Should", "Get-SnapshotShareEvent", "Find-ExternalShare" });
        var should = ast.FindAll(a => a is CommandAst c && c.GetCommandName() == "Should", true).Cast<CommandAst>().Single();
        Assert.Contains(should.CommandElements, e => e is CommandParameterAst p && p.ParameterName == "BeNullOrEmpty");
    }

    [Fact]
    public void Build_script_parses_and_packages_through_the_Package_target()
    {
        var (ast, errors) = Parse("build.ps1");
        Assert.Empty(errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"));
        Assert.Contains("-t:Package", ast.Extent.Text);
    }
}
