# One image recipe for every runnable module: docker build --build-arg MODULE=message-service .
# docker-compose.yml builds message-service, notification-service and expo-sandbox with it.
FROM eclipse-temurin:17-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -pl "${MODULE}" -am package -DskipTests -Dspotless.check.skip=true \
    && cp "${MODULE}"/target/"${MODULE}"-*-exec.jar /app.jar

FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home pushpipe
COPY --from=build /app.jar /app/app.jar
USER pushpipe
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
