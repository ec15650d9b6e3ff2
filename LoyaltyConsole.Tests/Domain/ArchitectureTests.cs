using System.Xml.Linq;
using LoyaltyConsole.Domain.Clients;

namespace LoyaltyConsole.Tests.Domain;

public sealed class ArchitectureTests
{
    private static readonly string[] Forbidden = ["Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Microsoft.SemanticKernel", "Quartz", "MudBlazor"];

    [Fact]
    public void Domain_assembly_references_no_EF_Core_ASP_NET_or_Semantic_Kernel()
    {
        var references = typeof(Client).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void Domain_project_file_declares_no_forbidden_package_or_framework()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "LoyaltyConsole.Domain", "LoyaltyConsole.Domain.csproj"));

        Assert.Equal("Microsoft.NET.Sdk", project.Root!.Attribute("Sdk")!.Value);
        var packages = project.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value).ToList();
        Assert.DoesNotContain(packages, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
        Assert.Empty(project.Descendants("FrameworkReference"));
        Assert.Empty(project.Descendants("ProjectReference"));
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LoyaltyConsole.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
