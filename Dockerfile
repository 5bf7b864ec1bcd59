FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY civicgraph civicgraph
COPY graph graph
COPY api api
COPY ingest ingest
COPY nlp nlp
COPY queries queries
RUN pip install --no-cache-dir .
ENV CIVICGRAPH_HOST=0.0.0.0
EXPOSE 8000
CMD ["civicgraph", "serve"]
