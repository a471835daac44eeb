using RelationGraph.Silo.Api;
using RelationGraph.Silo.Dashboard;
using RelationGraph.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddRelationGraphStorage();
builder.AddRelationGraphSilo();
builder.AddRelationGraphApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapRelationGraphApi();
app.MapHealthChecks("/health");
app.MapDashboard();

app.Run();

/// <summary>The silo's entry point; public for the test host.</summary>
public partial class Program;
