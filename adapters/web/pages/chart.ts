/**
 * Charts drawn on the server with echarts into SVG (no script in the page, readable without one, crisp on a
 * phone). echarts is imported on the first chart, not when the panel starts.
 */
export interface LineSeries {
  name: string;
  values: number[];
  kind?: 'line' | 'bar';
}

export async function lineChartSvg(o: {
  categories: string[];
  series: LineSeries[];
  width?: number;
  height?: number;
  title: string;
}): Promise<string> {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: o.width ?? 720,
    height: o.height ?? 300,
  });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: o.title } },
      color: ['#3b5bdb', '#2b8a3e', '#e67700', '#c92a2a', '#868e96'],
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: o.categories, axisLabel: { fontSize: 11 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: o.series.map((s) => ({
        name: s.name,
        type: s.kind ?? 'line',
        data: s.values,
        smooth: false,
        symbolSize: 5,
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
