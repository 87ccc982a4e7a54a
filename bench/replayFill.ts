// Child process of the replay benchmark: fills the log, so that the memory the benchmark
// reports is replay's alone. Arguments: path, events, entities; prints the events written.
import { fillReplayLog } from './replayData';

const [path, events, entities] = process.argv.slice(2);
console.log(fillReplayLog(path!, Number(events), Number(entities)));
