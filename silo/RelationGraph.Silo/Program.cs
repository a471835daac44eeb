using Orleans.Dashboard;
using RelationGraph.Silo.Api;
using RelationGraph.Silo.Api.Protection;
using RelationGraph.Silo.Dashboard;
using RelationGraph.Silo.Hosting;
using RelationGraph.Silo.Observability;

var builder = WebApplication.CreateBuilder(args);

await builder.AddRelationGraphDevelopmentDatabaseAsync();
builder.AddRelationGraphSilo();
builder.AddRelationGraphApi();
builder.AddRelationGraphApiEdge();
builder.AddRelationGraphTelemetry();
builder.AddRelationGraphOpenApi();
builder.AddRelationGraphDashboard();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRelationGraphApiEdge();
app.UseRelationGraphDashboard();
app.MapRelationGraphApi();
app.MapRelationGraphHealth();
app.MapRelationGraphMetrics();
app.MapRelationGraphOpenApi();
app.MapOrleansDashboard("/dashboard");
app.MapRelationGraphDashboard();

await app.RunAsync();

/// <summary>The silo's entry point; public for the test host.</summary>
public partial class Program;
